package io.winnow.models.nsfwjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TfjsModulesTest {
  @Test
  void readsMinifiedObjectLiteral() throws Exception {
    String module =
        "!function(e){}({1:[function(e,a,n){a.exports={name:\"x!0\",sparse:!1,"
            + "center:!0,momentum:.999,eps:1e-3,shape:[null,3],nested:{s:'a}b'}}},{}]});";
    JsonNode node = TfjsModules.exportedObject(module);
    assertThat(node.path("name").asText()).isEqualTo("x!0");
    assertThat(node.path("sparse").asBoolean(true)).isFalse();
    assertThat(node.path("center").asBoolean(false)).isTrue();
    assertThat(node.path("momentum").asDouble()).isEqualTo(0.999);
    assertThat(node.path("shape").path(0).isNull()).isTrue();
    assertThat(node.path("nested").path("s").asText()).isEqualTo("a}b");
  }

  @Test
  void readsBase64Export() {
    assertThat(TfjsModules.exportedBase64("x({1:[function(e,h,n){h.exports=\"AAEC/w==\"}]})"))
        .containsExactly(0, 1, 2, -1);
  }

  @Test
  void refusesOtherModules() {
    assertThatThrownBy(() -> TfjsModules.exportedObject("module.exports = {a: 1}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an nsfwjs model module");
  }
}
