#!/usr/bin/env python3
"""Export an image-embedding model to ONNX for Winnow, with its model descriptor.

Needs PyTorch (Debian's python3-torch is enough for CPU).  Pretrained DINOv2 and SSCD weights
need internet access; `--weights random` builds the same architecture with random weights, which
is how the export logic is tested here and how the tiny test fixture is made.

  export_onnx.py --arch dinov2_vits14 --out models/dinov2-vits14           # official weights
  export_onnx.py --arch sscd_disc_mixup --out models/sscd                   # official TorchScript
  export_onnx.py --arch tiny --weights random --out .../tiny-vit --reference 4

The ONNX graph has one input `pixels` (N x 3 x H x W, float32, RGB, already normalised with the
descriptor's mean/std) with a dynamic batch axis, and one output `embedding` (N x D, float32, not
normalised: Winnow L2-normalises on the worker so any exported model works the same way).
`--precision fp16` stores the weights and runs the graph in float16 (half the file, the GPU's
tensor cores) behind the same float32 input and output, so the Java side feeds it unchanged; the
check then compares it with the float32 PyTorch model by cosine, not by |delta|.
"""
import argparse
import hashlib
import inspect
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]

# name -> (embed dim, depth, heads, mlp ratio, ffn); the official DINOv2 shapes.
DINOV2 = {
    "dinov2_vits14": (384, 12, 6, 4.0, "mlp"),
    "dinov2_vitb14": (768, 12, 12, 4.0, "mlp"),
    "dinov2_vitl14": (1024, 24, 16, 4.0, "mlp"),
    "dinov2_vitg14": (1536, 40, 24, 4.0, "swiglu"),
    # Not an official model: the test fixture, same architecture at toy size.
    "tiny": (96, 3, 3, 4.0, "mlp"),
}
SSCD_URLS = {
    "sscd_disc_mixup": "https://dl.fbaipublicfiles.com/sscd-copy-detection/sscd_disc_mixup.torchscript.pt",
    "sscd_disc_large": "https://dl.fbaipublicfiles.com/sscd-copy-detection/sscd_disc_large.torchscript.pt",
}
# Cosine thresholds DINOv2 used with SSCD (dedup 0.6 within the pool, 0.45 against eval sets);
# models/README.md explains how the copy-detection check replaces them with measured ones.
DEFAULT_DUPLICATE_THRESHOLD = 0.6
DEFAULT_EVAL_THRESHOLD = 0.45


class LayerScale(nn.Module):
    def __init__(self, dim, init=1e-5):
        super().__init__()
        self.gamma = nn.Parameter(init * torch.ones(dim))

    def forward(self, x):
        return x * self.gamma


class SwiGLU(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        hidden = (int(hidden * 2 / 3) + 7) // 8 * 8
        self.w12 = nn.Linear(dim, 2 * hidden)
        self.w3 = nn.Linear(hidden, dim)

    def forward(self, x):
        x1, x2 = self.w12(x).chunk(2, dim=-1)
        return self.w3(F.silu(x1) * x2)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * (c // self.heads) ** -0.5) @ k.transpose(-2, -1)
        x = (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x)


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio, ffn):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.ls1 = LayerScale(dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        hidden = int(dim * mlp_ratio)
        self.mlp = SwiGLU(dim, hidden) if ffn == "swiglu" else Mlp(dim, hidden)
        self.ls2 = LayerScale(dim)

    def forward(self, x):
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class DinoV2VisionTransformer(nn.Module):
    """DINOv2's ViT (patch 14, CLS token, LayerScale, pre-norm), returning the normed CLS token
    as `forward` of the hub models does.  Positional embeddings are stored for the 518 px grid
    of the official checkpoints and interpolated (bicubic) to the export size once, at export."""

    def __init__(self, dim, depth, heads, mlp_ratio, ffn, image_size, patch=14):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        grid = image_size // patch
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + grid * grid, dim))
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio, ffn) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def forward(self, pixels):
        x = self.patch_embed(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.norm(x)[:, 0]


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("gamma"):
                p.copy_(0.1 + 0.9 * torch.rand(p.shape, generator=g))  # visible residual branches
            elif p.dim() == 1 and "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.02 * torch.randn(p.shape, generator=g) * (5 if "embed" in name or "token" in name else 1))


def build(args):
    """Returns (module, descriptor fields)."""
    if args.arch in SSCD_URLS:
        if args.weights != "official":
            sys.exit("SSCD is only exported from its official TorchScript file")
        local = os.path.join(torch.hub.get_dir(), os.path.basename(SSCD_URLS[args.arch]))
        if not os.path.exists(local):
            torch.hub.download_url_to_file(SSCD_URLS[args.arch], local)
        model = torch.jit.load(local).eval()
        size = args.image_size or 288
        return model, dict(resize=size, crop=size, mean=IMAGENET_MEAN, std=IMAGENET_STD,
                           dimension=512, source=SSCD_URLS[args.arch],
                           license="CC-BY-NC-4.0 (SSCD weights; non-commercial)")
    if args.arch not in DINOV2:
        sys.exit(f"unknown --arch {args.arch}; one of {sorted(DINOV2) + sorted(SSCD_URLS)}")
    size = args.image_size or (112 if args.arch == "tiny" else 224)
    if size % 14:
        sys.exit("--image-size must be a multiple of the patch size, 14")
    fields = dict(resize=math.floor(size * 256 / 224), crop=size, mean=IMAGENET_MEAN, std=IMAGENET_STD,
                  dimension=DINOV2[args.arch][0])
    if args.weights == "official":
        hub = torch.hub.load("facebookresearch/dinov2", args.arch).eval()
        fields.update(source=f"torch.hub facebookresearch/dinov2 {args.arch}", license="Apache-2.0 (DINOv2 weights)")
        return hub, fields
    model = DinoV2VisionTransformer(*DINOV2[args.arch], image_size=size).eval()
    randomise(model, args.seed)
    fields.update(source=f"random weights (seed {args.seed}), DINOv2 {args.arch} architecture, models/export/export_onnx.py",
                  license="Apache-2.0 (generated by Winnow)")
    return model, fields


class HalfPrecision(nn.Module):
    """float32 in, float16 inside, float32 out: the workers' tensors stay float32."""

    def __init__(self, model):
        super().__init__()
        self.model = model.half()

    def forward(self, pixels):
        return self.model(pixels.half()).float()


def export(model, example, path, opset):
    kwargs = dict(input_names=["pixels"], output_names=["embedding"],
                  dynamic_axes={"pixels": {0: "batch"}, "embedding": {0: "batch"}},
                  opset_version=opset, do_constant_folding=True)
    # PyTorch >= 2.9 defaults to the dynamo exporter; the TorchScript one gives the same graph
    # on every version from Debian's 1.13 on, so ask for it where the switch exists.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    torch.onnx.export(model, example, path, **kwargs)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_npy(path, tensor):
    """Little-endian float32 .npy (format 1.0) without needing numpy."""
    t = tensor.detach().to(torch.float32).contiguous()
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        ", ".join(str(d) for d in t.shape) + ("," if t.dim() == 1 else ""))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin1"))
        f.write(t.numpy().astype("<f4").tobytes() if hasattr(t, "numpy") else bytes(t.untyped_storage()))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", required=True)
    p.add_argument("--weights", choices=["official", "random"], default="official")
    p.add_argument("--out", required=True, help="folder for model.onnx and model.json")
    p.add_argument("--name", help="model name in the descriptor (default: from --arch)")
    p.add_argument("--image-size", type=int, help="input size; default 224 (tiny: 112, SSCD: 288)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--reference", type=int, default=0,
                   help="also save N seeded inputs and PyTorch's outputs for them (reference-*.npy)")
    p.add_argument("--precision", choices=["fp32", "fp16"], default="fp32",
                   help="fp16: half-precision weights and arithmetic, float32 input and output")
    p.add_argument("--check", action="store_true",
                   help="compare onnxruntime (Python) with PyTorch fp32 on the reference inputs: "
                        "max |delta| <= 1e-3 (fp32) or cosine >= 0.999 for every input (fp16)")
    args = p.parse_args()

    torch.manual_seed(args.seed)
    model, fields = build(args)
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    crop = fields["crop"]
    example = torch.randn(2, 3, crop, crop)
    reference_model = model
    if args.precision == "fp16":
        import copy
        # Half-precision matmuls need a GPU on older PyTorch; trace there when one is present.
        device = "cuda" if torch.cuda.is_available() else "cpu"
        model = HalfPrecision(copy.deepcopy(model)).to(device).eval()
        example = example.to(device)
    started = time.time()
    export(model, example, onnx_path, args.opset)
    print(f"exported {onnx_path} in {time.time() - started:.1f} s, {os.path.getsize(onnx_path) / 1e6:.2f} MB")

    name = args.name or (args.arch if args.weights == "official" else f"{args.arch}-random")
    if args.precision == "fp16":
        name += "-fp16"
    descriptor = {
        "name": name,
        "file": "model.onnx",
        "sha256": sha256(onnx_path),
        "input_name": "pixels",
        "input_size": crop,
        "resize_short_side": fields["resize"],
        "resize": "short-side-then-center-crop",
        "mean": fields["mean"],
        "std": fields["std"],
        "channel_order": "RGB",
        "layout": "NCHW",
        "embedding_output": "embedding",
        "dimension": fields["dimension"],
        "precision": args.precision,
        "duplicate_threshold": DEFAULT_DUPLICATE_THRESHOLD,
        "eval_threshold": DEFAULT_EVAL_THRESHOLD,
        "threshold_source": "borrowed until measured: the DINOv2 paper's SSCD values, never "
                            "measured for this model; run bench/copy-detection.sh MODEL_DIR",
        "source": fields["source"],
        "license": fields["license"],
    }
    if args.reference:
        g = torch.Generator().manual_seed(args.seed + 1)
        inputs = torch.randn(args.reference, 3, crop, crop, generator=g)
        with torch.no_grad():
            outputs = reference_model(inputs)
        write_npy(os.path.join(args.out, "reference-input.npy"), inputs)
        write_npy(os.path.join(args.out, "reference-output.npy"), outputs)
        descriptor["reference"] = {"input": "reference-input.npy", "output": "reference-output.npy",
                                   "produced_by": f"PyTorch {torch.__version__}, CPU, float32"}
        if args.check:
            import numpy as np
            import onnxruntime as ort
            runtime = f"onnxruntime {ort.__version__}"
            try:
                session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
                got = session.run(["embedding"], {"pixels": inputs.numpy()})[0]
            except Exception as refused:
                # onnxruntime's CPU provider lacks float16 kernels for some ops (the GPU one has
                # them); onnx's own reference evaluator runs every op, slowly, in numpy.
                if args.precision != "fp16":
                    raise
                from onnx.reference import ReferenceEvaluator
                got = ReferenceEvaluator(onnx_path).run(None, {"pixels": inputs.numpy()})[0]
                runtime = f"onnx.reference (the CPU provider refused it: {str(refused)[:100]})"
            want = outputs.numpy()
            delta = float(np.abs(got - want).max())
            cosine = float(((got * want).sum(1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(want, axis=1))).min())
            print(f"{runtime} ({args.precision}) vs PyTorch fp32: "
                  f"max |delta| = {delta:.2e}, min cosine = {cosine:.6f}")
            if args.precision == "fp32" and delta > 1e-3:
                sys.exit("export check failed: onnxruntime differs from PyTorch by more than 1e-3")
            if args.precision == "fp16" and not cosine >= 0.999:
                sys.exit("export check failed: the fp16 graph's embedding is below cosine 0.999 of fp32")
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(descriptor, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.join(args.out, 'model.json')}")


if __name__ == "__main__":
    main()
