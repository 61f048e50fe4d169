package io.winnow.bench.copyset;

/** One row of labels.csv: two images are a true copy pair iff they have the same photo. */
public record Entry(
    String file,
    String photo,
    String edit,
    String source,
    String kind,
    String scene,
    String detail) {}
