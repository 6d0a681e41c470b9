// Execution: the objects of an execution (slots reused from one execution to the next) and
// their names.
#include <string>

#include "sim/core/execution.hpp"
#include "sim/core/watched.hpp"

namespace sim {

ObjectId Execution::new_object(ObjectKind kind, const std::string& name, Location created, bool copy) {
  const detail::Unwatched unwatched;
  if (object_count_ == objects_.size()) {
    objects_.emplace_back();
    holders_.push_back(no_task);
    versions_.push_back(0);
  }
  holders_[object_count_] = no_task;
  versions_[object_count_] = 0;
  ObjectSlot& slot = objects_[object_count_];
  slot.kind = kind;
  slot.created = created;
  slot.live = &name;
  slot.copied = copy;
  if (copy) slot.copy = name;
  return ObjectId{static_cast<std::uint32_t>(object_count_++)};
}

ObjectInfo Execution::object_info(ObjectId o) const {
  const ObjectSlot& slot = objects_[index(o)];
  return ObjectInfo{slot.kind, slot.copied ? slot.copy : *slot.live, slot.created};
}

std::string Execution::object_name(ObjectId o) const {
  if (o == no_object || index(o) >= object_count_) return "?";
  const ObjectSlot& slot = objects_[index(o)];
  const std::string& name = slot.copied ? slot.copy : *slot.live;
  if (!name.empty()) return name;
  return std::string(to_string(slot.kind)) + "#" + std::to_string(index(o));
}

ObjectId Execution::fence_object() {
  static const std::string name = "seq_cst fences";
  if (fences_ == no_object) {
    fences_ = add_object(ObjectKind::Atomic, name, Location{});
    if (tracks_hb_) happens_before_.hand_over(fences_);  // the memory model orders what fences order
  }
  return fences_;
}

}  // namespace sim
