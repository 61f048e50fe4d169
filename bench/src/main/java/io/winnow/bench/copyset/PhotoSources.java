package io.winnow.bench.copyset;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the photos are: the package files that are photographs, the real hard-negative scenes, the
 * photos held out as material for the synthetic ones, and the licences the packages state only in
 * their docs. Files are named {@code PACKAGE:/PATH} (an rcc entry {@code FILE.rcc!/ENTRY}).
 */
final class PhotoSources {
  /**
   * Candidate photos: {@code glob} over the files under {@code root} (the unpacked package in the
   * sources folder), or, for a Qt resource archive, {@code FILE.rcc!/GLOB} over its entries.
   */
  record Source(String tag, String pkg, String root, String glob) {}

  private static final String SKIMAGE = "usr/lib/python3/dist-packages/skimage/data/";
  static final String FACE_API = "@vladmandic/face-api";

  /** Only directories of photographs (checked by eye); drawings and renders are left out. */
  static final List<Source> SOURCES =
      List.of(
          deb(
              "skimage",
              "python3-skimage",
              SKIMAGE
                  + "{astronaut,brick,camera,cell,chelsea,"
                  + "clock_motion,coffee,coins,grass,gravel,ihc,moon,motorcycle_left,motorcycle_right}.png"),
          deb("skimage", "python3-skimage", SKIMAGE + "{hubble_deep_field,retina,rocket}.jpg"),
          deb(
              "mpl",
              "python-matplotlib-data",
              "usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg"),
          deb(
              "sklearn",
              "python3-sklearn",
              "usr/lib/python3/dist-packages/sklearn/datasets/images/*.jpg"),
          deb("lomiri", "lomiri-wallpapers-16.04", "usr/share/backgrounds/*_by_*.jpg"),
          deb(
              "lomiri",
              "lomiri-wallpapers-20.04",
              "usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg"),
          deb("mate", "mate-backgrounds", "usr/share/backgrounds/mate/nature/*.jpg"),
          deb("tuxpaint", "tuxpaint-data", "usr/share/tuxpaint/templates/*.jpg"),
          deb(
              "tuxpaint",
              "tuxpaint-data",
              "usr/share/tuxpaint/starters/{reef-back.png,skyline-sf-dusk-back.jpeg}"),
          deb("palapeli", "palapeli-data", "usr/share/palapeli/collection/*.jpg"),
          new Source("faceapi", FACE_API, "npm/" + FACE_API, "package/demo/sample*.jpg"),
          gcompris("gc-erase", "erase", "erase/resource/*.webp"),
          gcompris(
              "gc-farm", "explore_farm_animals", "explore_farm_animals/resource/animals/*.webp"),
          gcompris(
              "gc-animals",
              "explore_world_animals",
              "explore_world_animals/resource/animals/*.webp"),
          gcompris("gc-music", "explore_world_music", "explore_world_music/resource/music/*.webp"),
          gcompris("gc-monuments", "explore_monuments", "explore_monuments/resource/*/*.webp"),
          gcompris(
              "gc-cat",
              "categorization",
              "categorization/resource/images/{fishes,monuments,renewable,tools,others}/*.webp"),
          gcompris("gc-hands", "leftright", "leftright/resource/*.webp"));

  /** Files the globs match that are renders, not photographs. */
  static final Set<String> NOT_PHOTOGRAPHS =
      Set.of("lomiri-wallpapers-16.04:/usr/share/backgrounds/umang_by_Abhishek_Mudgal.jpg");

  /** A real hard negative: different photographs of one scene or object, by source. */
  record Scene(String name, List<String> members) {}

  static final List<Scene> REAL_SCENES =
      List.of(
          new Scene(
              "motorcycle-stereo",
              List.of(
                  "python3-skimage:/" + SKIMAGE + "motorcycle_left.png",
                  "python3-skimage:/" + SKIMAGE + "motorcycle_right.png")),
          new Scene(
              "hands",
              List.of(
                  gcomprisKey("leftright", "leftright/resource/main_droite_dessus_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/main_droite_paume_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/main_gauche_dessus_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/main_gauche_paume_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/poing_droit_dessus_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/poing_droit_paume_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/poing_gauche_dessus_0.webp"),
                  gcomprisKey("leftright", "leftright/resource/poing_gauche_paume_0.webp"))),
          monument("statue-of-liberty", "statueOfLiberty", "usa/statueofLiberty"),
          monument("christ-the-redeemer", "christTheRedeemer", "wonders/christTheRedeemer"),
          monument("qutub-minar", "kutubMinar", "india/qutubMinar"),
          monument("taj-mahal", "tajMahal", "wonders/tajMahal"),
          monument("mount-rushmore", "mountRushmore", "usa/mountRushmore"),
          monument("great-wall", "greatWall", "wonders/greatWallofChina"),
          // The same Commons file in both games: collapsed by the selection, so no scene is left.
          monument("great-pyramid", "greatPyramid", "egypt/greatPyramidOfGiza"));

  /** Kept out of the set: two far-apart crops of each make a synthetic hard negative. */
  static final List<String> SPLIT =
      List.of(
          gcomprisKey("erase", "erase/resource/camels.webp"),
          gcomprisKey("erase", "erase/resource/meerkats.webp"),
          gcomprisKey("erase", "erase/resource/swans.webp"),
          gcomprisKey("erase", "erase/resource/spoonbills.webp"),
          gcomprisKey("erase", "erase/resource/penguin.webp"),
          gcomprisKey("erase", "erase/resource/rhinoceros.webp"),
          gcomprisKey("erase", "erase/resource/nubian_ibex.webp"),
          gcomprisKey("erase", "erase/resource/dolphin.webp"),
          "lomiri-wallpapers-16.04:/usr/share/backgrounds/picosdeeuropa_by_Aitzol_Berasategi.jpg",
          "lomiri-wallpapers-16.04:/usr/share/backgrounds/life_by_Aitzol_Berasategi.jpg");

  /** Kept out of the set: each background gets two different objects, at the same place. */
  static final List<String> PASTE_BACKGROUNDS =
      List.of(
          "mate-backgrounds:/usr/share/backgrounds/mate/nature/Wood.jpg",
          "mate-backgrounds:/usr/share/backgrounds/mate/nature/GreenMeadow.jpg",
          "mate-backgrounds:/usr/share/backgrounds/mate/nature/Dune.jpg",
          "tuxpaint-data:/usr/share/tuxpaint/templates/rocks.jpg",
          "tuxpaint-data:/usr/share/tuxpaint/templates/mudstone.jpg",
          "lomiri-wallpapers-16.04:/usr/share/backgrounds/Bridge_by_Sander_Klootwijk.jpg");

  /** Objects photographed on a plain background, cut out and pasted; kept out of the set. */
  static final List<String> PASTE_OBJECTS =
      Stream.of(
              "others/baseball",
              "others/volleyball",
              "tools/spray",
              "tools/wrench",
              "tools/cuttingTool",
              "tools/hammer8",
              "tools/hammer9",
              "tools/measuringTape1",
              "tools/measuringTape2",
              "tools/measuringTape3",
              "others/buffetset",
              "others/weighingMachine")
          .map(
              name ->
                  gcomprisKey("categorization", "categorization/resource/images/" + name + ".webp"))
          .toList();

  /** Licences stated in the packages' docs (docstrings, READMEs) rather than in a file we parse. */
  static final Map<String, String> LICENCE_NOTES =
      Map.ofEntries(
          Map.entry("astronaut.png", "public domain (NASA), per skimage.data docs"),
          Map.entry("brick.png", "CC0 (CC0Textures), per skimage.data docs"),
          Map.entry("camera.png", "CC0 (Lav Varshney), per skimage.data docs"),
          Map.entry("cell.png", "CC0, per skimage.data docs"),
          Map.entry("chelsea.png", "CC0 (Stefan van der Walt), per skimage.data docs"),
          Map.entry(
              "clock_motion.png", "public domain (Stefan van der Walt), per skimage.data docs"),
          Map.entry("coffee.png", "CC0 (Rachel Michetti), per skimage.data docs"),
          Map.entry("coins.png", "no known copyright restrictions, per skimage.data docs"),
          Map.entry("grass.png", "CC0 (CC0Textures), per skimage.data docs"),
          Map.entry("gravel.png", "CC0 (CC0Textures), per skimage.data docs"),
          Map.entry("ihc.png", "no known copyright restrictions, per skimage.data docs"),
          Map.entry("moon.png", "not stated (skimage BSD-3-Clause package)"),
          Map.entry("motorcycle_left.png", "Middlebury 2014 stereo benchmark, via skimage.data"),
          Map.entry("motorcycle_right.png", "Middlebury 2014 stereo benchmark, via skimage.data"),
          Map.entry("hubble_deep_field.jpg", "public domain (NASA), per skimage.data docs"),
          Map.entry("retina.jpg", "CC0 (Häggström), per skimage.data docs"),
          Map.entry("rocket.jpg", "public domain (SpaceX), per skimage.data docs"),
          Map.entry("grace_hopper.jpg", "public domain (US Navy), matplotlib sample data"),
          Map.entry("china.jpg", "CC-BY-2.0 (danielbuechele), per sklearn images/README.txt"),
          Map.entry("flower.jpg", "CC-BY-2.0 (vultilion), per sklearn images/README.txt"));

  private static Source deb(String tag, String pkg, String glob) {
    return new Source(tag, pkg, "deb/" + pkg, glob);
  }

  private static Source gcompris(String tag, String archive, String entries) {
    return new Source(
        tag,
        "gcompris-qt-data",
        "deb/gcompris-qt-data",
        "usr/share/gcompris-qt/rcc/" + archive + ".rcc!/gcompris/src/activities/" + entries);
  }

  private static String gcomprisKey(String archive, String entry) {
    return "gcompris-qt-data:/usr/share/gcompris-qt/rcc/"
        + archive
        + ".rcc!/gcompris/src/activities/"
        + entry;
  }

  /** One monument in GCompris' categorization game and in its explore-monuments game. */
  private static Scene monument(String name, String categorization, String explore) {
    return new Scene(
        name,
        List.of(
            gcomprisKey(
                "categorization",
                "categorization/resource/images/monuments/" + categorization + ".webp"),
            gcomprisKey("explore_monuments", "explore_monuments/resource/" + explore + ".webp")));
  }

  private PhotoSources() {}
}
