#!/usr/bin/env python3
"""PyTorch CPU throughput of the same DINOv2-architecture ViT that EmbedBench runs through ONNX
Runtime (models/export/export_onnx.py's definition, same seed, so the same weights), on random
input tensors: images/s at the given batch size and thread count.

  embed_bench.py --arch dinov2_vits14 --images 256 --batch 32 --threads 2
"""
import argparse, os, sys, time
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "export"))
import export_onnx  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--arch", default="dinov2_vits14")
p.add_argument("--image-size", type=int, default=224)
p.add_argument("--images", type=int, default=256)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
torch.set_num_threads(a.threads)
model = export_onnx.DinoV2VisionTransformer(*export_onnx.DINOV2[a.arch], image_size=a.image_size).eval()
export_onnx.randomise(model, a.seed)
x = torch.randn(a.batch, 3, a.image_size, a.image_size)
with torch.inference_mode():
    model(x)
    done, started = 0, time.perf_counter()
    while done < a.images:
        model(x)
        done += a.batch
    seconds = time.perf_counter() - started
print(f"PyTorch {torch.__version__} CPU eager float32, {a.arch} {a.image_size}px, batch {a.batch}, "
      f"{a.threads} threads: {done / seconds:.1f} img/s")
