// Token: keyword spellings and the names of token kinds in messages.
#include "lang/token.hpp"

#include <array>
#include <string>
#include <utility>

namespace lang {

namespace {

constexpr std::array<std::pair<std::string_view, Tok>, 54> keywords{{
    {"expect", Tok::Expect}, {"shared", Tok::Shared}, {"atomic", Tok::Atomic}, {"mutex", Tok::Mutex},
    {"condition", Tok::Condition}, {"semaphore", Tok::Semaphore}, {"thread", Tok::Thread}, {"def", Tok::Def},
    {"invariant", Tok::Invariant}, {"finally", Tok::Finally}, {"let", Tok::Let}, {"if", Tok::If},
    {"elif", Tok::Elif}, {"else", Tok::Else}, {"while", Tok::While}, {"repeat", Tok::Repeat}, {"for", Tok::For},
    {"in", Tok::In}, {"lock", Tok::Lock}, {"acquire", Tok::Acquire}, {"release", Tok::Release},
    {"wait", Tok::Wait}, {"notify", Tok::Notify}, {"notify_all", Tok::NotifyAll}, {"yield", Tok::Yield},
    {"sleep", Tok::Sleep}, {"print", Tok::Print}, {"assert", Tok::Assert}, {"return", Tok::Return},
    {"break", Tok::Break}, {"continue", Tok::Continue}, {"pass", Tok::Pass}, {"and", Tok::And}, {"or", Tok::Or},
    {"not", Tok::Not}, {"true", Tok::True}, {"false", Tok::False}, {"id", Tok::Id}, {"self", Tok::Self},
    // The concurrency toolbox.
    {"channel", Tok::Channel}, {"rwlock", Tok::RwLock}, {"latch", Tok::Latch}, {"barrier", Tok::Barrier},
    {"recursive", Tok::Recursive}, {"timed", Tok::Timed}, {"send", Tok::Send}, {"recv", Tok::Recv},
    {"close", Tok::Close}, {"select", Tok::Select}, {"read", Tok::Read}, {"write", Tok::Write},
    {"count_down", Tok::CountDown}, {"arrive_and_wait", Tok::ArriveAndWait}, {"arrive_and_drop", Tok::ArriveAndDrop},
}};

}  // namespace

Tok keyword(std::string_view text) {
  for (const auto& [spelling, kind] : keywords) {
    if (spelling == text) return kind;
  }
  return Tok::Name;
}

bool is_keyword(Tok kind) { return kind >= Tok::Expect; }

std::string describe(Tok kind) {
  switch (kind) {
    case Tok::End: return "end of file";
    case Tok::Newline: return "end of line";
    case Tok::Indent: return "an indented block";
    case Tok::Dedent: return "the end of the block";
    case Tok::Name: return "a name";
    case Tok::Int: return "a number";
    case Tok::String: return "a string";
    case Tok::Duration: return "a duration";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::LBracket: return "'['";
    case Tok::RBracket: return "']'";
    case Tok::Comma: return "','";
    case Tok::Colon: return "':'";
    case Tok::Dot: return "'.'";
    case Tok::DotDot: return "'..'";
    case Tok::Plus: return "'+'";
    case Tok::Minus: return "'-'";
    case Tok::Star: return "'*'";
    case Tok::Slash: return "'/'";
    case Tok::Percent: return "'%'";
    case Tok::Assign: return "'='";
    case Tok::PlusAssign: return "'+='";
    case Tok::MinusAssign: return "'-='";
    case Tok::Eq: return "'=='";
    case Tok::Ne: return "'!='";
    case Tok::Lt: return "'<'";
    case Tok::Le: return "'<='";
    case Tok::Gt: return "'>'";
    case Tok::Ge: return "'>='";
    default: break;
  }
  for (const auto& [spelling, k] : keywords) {
    if (k == kind) return "'" + std::string(spelling) + "'";
  }
  return "?";
}

}  // namespace lang
