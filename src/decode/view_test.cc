#include "view.h"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "view_builder.h"

using keyward::View;

TEST_CASE("a view's text follows it when it moves", "[view]") {
  // A short decoded view lives in the string's own (small-string) buffer: a View that
  // stored a pointer to it would, once moved, point into the storage it left.
  std::vector<View> views;
  std::string blob = "k=aGk=\n";
  views.push_back(View::of(blob));
  for (int i = 0; i < 64; ++i) {  // growing the vector moves every element many times
    View v;
    v.storage = "hi #" + std::to_string(i);
    v.decoded = "base64";
    views.push_back(std::move(v));
  }
  CHECK(views[0].text().data() == blob.data());
  for (int i = 0; i < 64; ++i) {
    const View& v = views[static_cast<size_t>(i) + 1];
    CHECK(v.text() == "hi #" + std::to_string(i));
    CHECK(v.text().data() == v.storage.data());
  }
  View moved = std::move(views[5]);
  CHECK(moved.text() == "hi #4");
  CHECK(moved.text().data() == moved.storage.data());
}
