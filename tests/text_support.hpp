#pragma once
// Text checks shared by the suites. Defined once here, not per file: the suites are compiled
// together in unity builds, where two file-local copies would clash.

#include <string>

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
