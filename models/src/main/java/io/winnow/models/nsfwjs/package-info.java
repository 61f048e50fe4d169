/** Converts the nsfwjs MobileNetV2 classifier (TF.js Keras, MIT) to ONNX at build time. */
package io.winnow.models.nsfwjs;
