package io.winnow.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/** A detected face, in stored-image pixels, with the detector's confidence. */
public record FaceBox(
    @JsonProperty("x") int x,
    @JsonProperty("y") int y,
    @JsonProperty("width") int width,
    @JsonProperty("height") int height,
    @JsonProperty("score") float score)
    implements Serializable {}
