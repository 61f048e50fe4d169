// Reference outputs of nsfwjs 4.4.0's MobileNetV2, computed by TensorFlow.js itself (pure-JS CPU
// backend), for the converted ONNX model to be checked against. Usage:
//   node reference.js NODE_MODULES_DIR OUT_DIR IMAGE.jpg...
// Each image is decoded (jpeg-js), resized to 224x224 as nsfwjs does (bilinear, align corners),
// rounded to 8-bit and saved to reference-input.u8 (N x 224 x 224 x 3, RGB); nsfwjs then runs on
// exactly those pixels: reference-output.json holds the 5 class probabilities and the 1280-d
// pooled features (layer flatten_1) per image.
const path = require("path");
const fs = require("fs");
const [modules, outDir, ...images] = process.argv.slice(2);
const need = (name) => require(path.join(path.resolve(modules), name));
const tf = need("@tensorflow/tfjs");
const nsfwjs = need("nsfwjs");
const jpeg = need("jpeg-js");

(async () => {
  await tf.setBackend("cpu");
  const model = await nsfwjs.load("MobileNetV2");
  const pixels = [];
  const results = [];
  for (const file of images) {
    const decoded = jpeg.decode(fs.readFileSync(file), { useTArray: true, formatAsRGBA: false });
    const rgb = tf.tensor3d(decoded.data, [decoded.height, decoded.width, 3], "int32");
    const resized = tf.image.resizeBilinear(rgb.toFloat(), [224, 224], true).round().clipByValue(0, 255);
    const u8 = resized.dataSync();
    pixels.push(Uint8Array.from(u8));
    const input = tf.tensor3d(Uint8Array.from(u8), [224, 224, 3], "int32");
    const probabilities = Array.from(model.infer(input).dataSync());
    const embedding = Array.from(model.infer(input, "flatten_1").dataSync());
    results.push({ image: path.basename(file), probabilities, embedding });
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "reference-input.u8"), Buffer.concat(pixels.map((p) => Buffer.from(p))));
  fs.writeFileSync(path.join(outDir, "reference-output.json"), JSON.stringify({
    produced_by: `TensorFlow.js ${tf.version.tfjs} (${tf.getBackend()} backend), nsfwjs 4.4.0 MobileNetV2, node ${process.version}`,
    classes: ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"],
    input: { file: "reference-input.u8", shape: [images.length, 224, 224, 3], dtype: "uint8", layout: "NHWC", scale: "pixel / 255" },
    results,
  }) + "\n");
  console.log(`reference for ${images.length} images written to ${outDir}`);
})().catch((e) => { console.error(e); process.exit(1); });
