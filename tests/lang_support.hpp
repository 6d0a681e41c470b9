// Test support for the scenario-language suites: loading a program from text or from scenarios/.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "lang/scenario.hpp"

#ifndef INTERLEAVE_SOURCE_DIR
#define INTERLEAVE_SOURCE_DIR "."
#endif

namespace lang_test {

inline const std::string source_dir = INTERLEAVE_SOURCE_DIR;

// `text` loaded as t.scn; a diagnostic fails the test with the rendered message.
inline std::shared_ptr<const lang::Program> program(const std::string& text) {
  const lang::Loaded loaded = lang::load_text("t.scn", text);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.error ? loaded.error->render() : std::string()));
  return loaded.program;
}

inline std::shared_ptr<const lang::Program> scenario(const std::string& name) {
  const lang::Loaded loaded = lang::load_file(source_dir + "/scenarios/" + name);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.error ? loaded.error->render() : std::string()));
  return loaded.program;
}

// The scenario at `path` (from the repository's root), or `text` loaded under that name.
inline std::shared_ptr<const lang::Program> load(const std::string& path, const std::string& text = {}) {
  const lang::Loaded loaded = text.empty() ? lang::load_file(source_dir + "/" + path) : lang::load_text(path, text);
  REQUIRE_MESSAGE(loaded.ok(), (loaded.error ? loaded.error->render() : std::string()));
  return loaded.program;
}

}  // namespace lang_test
