/** Converts face-api's SSD MobileNetV1 face detector (TF.js, MIT) to ONNX at build time. */
package io.winnow.models.faceapi;
