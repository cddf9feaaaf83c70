// toml++'s compiled part, built once for the static build (Debian ships toml++ as a shared
// library only). TOML_HEADER_ONLY=1 would compile the whole parser again in every unit
// that includes toml_util.h; toml++'s documented alternative is TOML_HEADER_ONLY=0
// everywhere and TOML_IMPLEMENTATION in exactly one unit: this one. The shared build
// links libtomlplusplus.so and leaves this file empty.
#ifdef KEYWARD_TOML_ONCE
#define TOML_IMPLEMENTATION
#include "toml_util.h"
#endif
