#!/usr/bin/env python3
"""GPU reference for the embedding stage (run on a CUDA machine with PyTorch, timm, onnxruntime).

1. Export check: models/export/export_onnx.py on DINOv2 ViT-S/14 with random weights, our own
   definition, then onnxruntime vs PyTorch (max |delta| <= 1e-3); the same check on timm's
   independent `vit_small_patch14_dinov2`, so the export logic is tested on two implementations.
2. Throughput: PyTorch bf16 inference of DINOv2 ViT-S/B/L/g at 224 px (timm definitions, random
   weights: speed does not depend on the values), images/s at batch 256.
Prints one JSON line per result and writes them all to $OUT/vit_reference.json when OUT is set.
"""
import json, os, subprocess, sys, time
import numpy as np
import torch

results = []
def emit(**r):
    results.append(r); print(json.dumps(r), flush=True)

here = os.path.dirname(os.path.abspath(__file__))
tool = os.path.join(here, "..", "..", "models", "export", "export_onnx.py")
out = subprocess.run([sys.executable, tool, "--arch", "dinov2_vits14", "--weights", "random",
                      "--out", "/tmp/vits14", "--reference", "8", "--check"], capture_output=True, text=True)
emit(check="export_onnx.py dinov2_vits14 random", rc=out.returncode, output=(out.stdout + out.stderr)[-600:])

import timm, onnxruntime as ort
m = timm.create_model("vit_small_patch14_dinov2", pretrained=False, img_size=224, num_classes=0).eval()
x = torch.randn(4, 3, 224, 224)
with torch.no_grad():
    ref = m(x).numpy()
kw = dict(input_names=["pixels"], output_names=["embedding"], dynamic_axes={"pixels": {0: "batch"}}, opset_version=17)
import inspect
if "dynamo" in inspect.signature(torch.onnx.export).parameters:
    kw["dynamo"] = False
torch.onnx.export(m, x, "/tmp/timm_vits14.onnx", **kw)
got = ort.InferenceSession("/tmp/timm_vits14.onnx", providers=["CPUExecutionProvider"]).run(None, {"pixels": x.numpy()})[0]
emit(check="timm vit_small_patch14_dinov2 random, onnxruntime vs PyTorch", max_abs_delta=float(np.abs(got - ref).max()),
     ort=ort.__version__, torch=torch.__version__, timm=timm.__version__)

dev = torch.device("cuda")
emit(gpu=torch.cuda.get_device_name(0))
for name in ["vit_small_patch14_dinov2", "vit_base_patch14_dinov2", "vit_large_patch14_dinov2", "vit_giant_patch14_dinov2"]:
    model = timm.create_model(name, pretrained=False, img_size=224, num_classes=0).eval().to(dev, torch.bfloat16)
    batch = 256
    x = torch.randn(batch, 3, 224, 224, device=dev, dtype=torch.bfloat16)
    with torch.inference_mode():
        for _ in range(3):
            model(x)
        torch.cuda.synchronize()
        iters, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 5 or iters < 5:
            model(x); iters += 1
            torch.cuda.synchronize()
        dt = time.perf_counter() - t0
    emit(model=name, dtype="bf16", batch=batch, image_size=224, images_per_s=round(iters * batch / dt, 1),
         params_m=round(sum(p.numel() for p in model.parameters()) / 1e6, 1))
    del model; torch.cuda.empty_cache()

if os.environ.get("OUT"):
    with open(os.path.join(os.environ["OUT"], "vit_reference.json"), "w") as f:
        json.dump(results, f, indent=1)
