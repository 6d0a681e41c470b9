// Test helper: a JUnit XML file read back by an XML parser (python3's xml.etree), for the tests of
// --junit (run, check, merge).
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli_process.hpp"

namespace cli_test {

// A JUnit file as python3's xml.etree reads it, in JSON: {root, attrib, suites: [{attrib, cases:
// [{name, classname, result, type, message, text, properties, out}]}]}. A file that is not
// well-formed XML fails the parse, and the test.
inline nlohmann::json read_junit(const std::filesystem::path& xml) {
  const std::filesystem::path script = scratch("read_junit.py"), out = scratch("junit.json");
  std::ofstream(script) << R"(import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = []
for s in root.findall("testsuite"):
    cases = []
    for c in s.findall("testcase"):
        case = {"name": c.get("name"), "classname": c.get("classname"), "result": "pass", "type": "", "message": "", "text": ""}
        for tag in ("failure", "error"):
            e = c.find(tag)
            if e is not None:
                case.update(result=tag, type=e.get("type"), message=e.get("message"), text=e.text or "")
        case["properties"] = {p.get("name"): p.get("value") for p in c.iter("property")}
        o = c.find("system-out")
        case["out"] = o.text if o is not None else ""
        cases.append(case)
    suites.append({"attrib": s.attrib, "cases": cases})
json.dump({"root": root.tag, "attrib": root.attrib, "suites": suites}, open(sys.argv[2], "w"))
)";
  const int raw = std::system(("python3 " + quoted(script.string()) + " " + quoted(xml.string()) + " " + quoted(out.string()) + " 2>&1").c_str());
  REQUIRE_MESSAGE((WIFEXITED(raw) && WEXITSTATUS(raw) == 0), "python3 could not parse " << xml << ":\n" << slurp(xml));
  nlohmann::json j = nlohmann::json::parse(slurp(out));
  std::filesystem::remove(script);
  std::filesystem::remove(out);
  return j;
}

}  // namespace cli_test
