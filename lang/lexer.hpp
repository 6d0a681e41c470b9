// Lexer: turns a scenario's text into tokens, with Python-style Indent/Dedent for blocks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lang/source.hpp"
#include "lang/token.hpp"

namespace lang {

struct Lexed {
  std::vector<Token> tokens;         // always ends with Tok::End
  std::vector<std::string> strings;  // string literals, unescaped; a String token's value indexes here
};

// Throws lang::Error for the first lexical mistake (bad character, unterminated string,
// indentation that matches no outer block, blocks nested more than `max_nesting` deep, ...).
// Never loops on any input.
Lexed lex(const Source& source, std::uint32_t max_nesting = 100);

}  // namespace lang
