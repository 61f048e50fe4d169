#!/usr/bin/env python3
"""Checks the exported ONNX models, fp32 and fp16, against PyTorch, and times them.

For a GPU machine with PyTorch and onnxruntime but no Java (bench/gpu/device-check.sh runs it):
1. models/export/export_onnx.py --weights random --reference 8 (fp16: 2) --check, for DINOv2 ViT-S/14 and
   ViT-B/14 at --precision fp32 and fp16: onnxruntime's embedding vs PyTorch fp32
   (fp32: max |delta| <= 1e-3; fp16: cosine >= 0.999 on every input).
2. Throughput at 224 px, batch 256: PyTorch fp32 and fp16 on the GPU; onnxruntime with the CUDA
   provider where the installed onnxruntime has it (otherwise none: the CPU cores are busy
   compiling FAISS during this check, so a CPU timing would mean nothing).
One JSON line per result; all of them in $OUT/export_check.json when OUT is set.
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
tool = os.path.join(here, "..", "..", "models", "export", "export_onnx.py")
sys.path.insert(0, os.path.dirname(tool))
results = []


def emit(**r):
    results.append(r)
    print(json.dumps(r), flush=True)


def throughput(run, batch, seconds=4):
    for _ in range(3):
        run()
    iters, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or iters < 3:
        run()
        iters += 1
    return batch * iters / (time.perf_counter() - started)


import onnxruntime as ort  # noqa: E402

emit(torch=torch.__version__, onnxruntime=ort.__version__, providers=ort.get_available_providers(),
     gpu=torch.cuda.get_device_name(0) if torch.cuda.is_available() else None)
for arch in ["dinov2_vits14", "dinov2_vitb14"]:
    for precision in ["fp32", "fp16"]:
        out = f"/tmp/export-{arch}-{precision}"
        started = time.time()
        done = subprocess.run([sys.executable, tool, "--arch", arch, "--weights", "random", "--out", out,
                               # fp16 may be checked by onnx's numpy evaluator: few inputs
                               "--reference", "8" if precision == "fp32" else "2", "--check",
                               "--precision", precision],
                              capture_output=True, text=True)
        lines = [line for line in (done.stdout + done.stderr).splitlines() if "Warning" not in line]
        emit(check=f"export {arch} {precision}", rc=done.returncode, seconds=round(time.time() - started, 1),
             megabytes=round(os.path.getsize(f"{out}/model.onnx") / 1e6, 2) if done.returncode == 0 else None,
             output=lines[-4:])

import export_onnx  # noqa: E402

if torch.cuda.is_available():
    for arch in ["dinov2_vits14", "dinov2_vitb14"]:
        model = export_onnx.DinoV2VisionTransformer(*export_onnx.DINOV2[arch], image_size=224).eval().cuda()
        for dtype in [torch.float32, torch.float16]:
            m = model.to(dtype)
            x = torch.randn(256, 3, 224, 224, device="cuda", dtype=dtype)

            def step():
                with torch.inference_mode():
                    m(x)
                torch.cuda.synchronize()

            emit(model=arch, runtime="pytorch", dtype=str(dtype).split(".")[-1], batch=256,
                 images_per_s=round(throughput(step, 256), 1))

cuda = "CUDAExecutionProvider" in ort.get_available_providers()
if not cuda:
    emit(note="this onnxruntime has no CUDA provider: onnxruntime was checked for correctness only")
for arch in ["dinov2_vits14", "dinov2_vitb14"] if cuda else []:
    for precision in ["fp32", "fp16"]:
        path = f"/tmp/export-{arch}-{precision}/model.onnx"
        if not os.path.exists(path):
            continue
        providers = ["CUDAExecutionProvider"]
        batch = 256
        try:
            session = ort.InferenceSession(path, providers=providers)
            x = np.random.default_rng(0).standard_normal((batch, 3, 224, 224), dtype=np.float32)
            rate = throughput(lambda: session.run(["embedding"], {"pixels": x}), batch)
            emit(model=arch, runtime="onnxruntime", provider=providers[0], precision=precision, batch=batch,
                 images_per_s=round(rate, 1))
        except Exception as e:  # an fp16 op the CPU provider lacks is a finding, not a crash
            emit(model=arch, runtime="onnxruntime", provider=providers[0], precision=precision, error=str(e)[:300])

if os.environ.get("OUT"):
    with open(os.path.join(os.environ["OUT"], "export_check.json"), "w") as f:
        json.dump(results, f, indent=1)
