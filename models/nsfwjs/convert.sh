#!/usr/bin/env bash
# Reproduces the bundled default model from the npm package, end to end:
#   1. installs the pinned packages (fetch.sh),
#   2. converts nsfwjs' MobileNetV2 to ONNX (Java, io.winnow.models.nsfwjs.ConvertNsfwjs),
#   3. computes reference outputs with TensorFlow.js itself (reference.js) on demo photos,
#   4. runs the models tests, which check ONNX Runtime against that reference (max |delta| <= 1e-4).
# Run from anywhere: models/nsfwjs/convert.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/models/src/main/resources/io/winnow/models/nsfwjs-mobilenet-v2"
reference="$root/models/src/test/resources/nsfwjs-reference"
images="$root/pipeline/src/main/resources/demo/images"

"$here/fetch.sh"
modules="$root/models/target/npm/node_modules"
cd "$root"
mvn -q -B -ntp install -pl schemas -am -DskipTests
mvn -q -B -ntp compile -pl models
mvn -q -B -ntp -pl models dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
  -Dmdep.includeScope=compile
cp="$(cat models/target/classpath.txt)"
java -cp "models/target/classes:$cp" io.winnow.models.nsfwjs.ConvertNsfwjs "$modules" "$out"
node "$here/reference.js" "$modules" "$reference" \
  "$images/astronaut.jpg" "$images/chelsea.jpg" "$images/coffee.jpg" "$images/rocket.jpg"
mvn -q -B -ntp test -pl models
echo "converted model and reference verified: $out"
