// The DocumentStore operations whose logic is the same on every SQL backend, written once over a
// backend's sessions (CRTP, so no call goes through a type-erased callback): Get and GetWithView
// (the id checked, a missing record named), each write in one write transaction, and Batch
// (every item in one transaction, each error prefixed by its item's index).
//
// `Backend` (the derived store) provides, to SqlStore<Backend> as a friend:
//   template <class T, class F> Result<T> WithReadSession(F&& read);   // read(Session&)
//   template <class T, class F> Result<T> WithWriteSession(F&& write); // one write transaction
// where a Session runs, on one connection:
//   Result<std::optional<Record>> FindById(const schema::Entity&, const std::string& id);
//   Result<std::optional<GetResult>> FindByIdWithView(const schema::Entity&, const std::string&,
//                                                     const std::vector<query::ViewSpec>&);
//   Result<Record> CreateLocked(entity, record), ReplaceLocked(entity, id, record),
//                  UpdateLocked(entity, id, merge), DeleteLocked(entity, id, check)
// The members are defined below the class, not inline: a backend instantiates them once in its
// .cpp (`template class sql::SqlStore<X>;`, declared `extern template` in its header), where its
// session templates are defined.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ids.hpp"
#include "store/document_store.hpp"

namespace ea::store::sql {

template <class Backend>
class SqlStore : public DocumentStore {
public:
    Result<Record> Get(const schema::Entity& entity, std::string_view id) final;
    Result<GetResult> GetWithView(const schema::Entity& entity, std::string_view id,
                                  const std::vector<query::ViewSpec>& view) final;
    Result<Record> Create(const schema::Entity& entity, const Record& record) final;
    Result<Record> Replace(const schema::Entity& entity, std::string_view id,
                           const Record& record) final;
    Result<Record> Update(const schema::Entity& entity, std::string_view id,
                          const Merge& merge) final;
    Result<Record> Delete(const schema::Entity& entity, std::string_view id) final;
    Result<Record> DeleteIf(const schema::Entity& entity, std::string_view id,
                            const Check& check) final;
    Result<std::vector<Record>> Batch(std::vector<BatchItem> items) final;

private:
    Backend& backend() { return static_cast<Backend&>(*this); }
};

template <class Backend>
Result<Record> SqlStore<Backend>::Get(const schema::Entity& entity, std::string_view id) {
    if (!IsValidId(id)) {
        return NotFound(entity.name() + " not found: the id is not valid");
    }
    const std::string normalized = NormalizeId(id);
    return backend().template WithReadSession<Record>([&](auto& session) -> Result<Record> {
        auto row = session.FindById(entity, normalized);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return NotFound(entity.name() + " " + normalized + " not found");
        }
        return std::move(**row);
    });
}

template <class Backend>
Result<GetResult> SqlStore<Backend>::GetWithView(const schema::Entity& entity, std::string_view id,
                                                 const std::vector<query::ViewSpec>& view) {
    if (!IsValidId(id)) {
        return NotFound(entity.name() + " not found: the id is not valid");
    }
    const std::string normalized = NormalizeId(id);
    return backend().template WithReadSession<GetResult>([&](auto& session) -> Result<GetResult> {
        auto found = session.FindByIdWithView(entity, normalized, view);
        if (!found) {
            return found.error();
        }
        if (!*found) {
            return NotFound(entity.name() + " " + normalized + " not found");
        }
        return std::move(**found);
    });
}

template <class Backend>
Result<Record> SqlStore<Backend>::Create(const schema::Entity& entity, const Record& record) {
    return backend().template WithWriteSession<Record>(
        [&](auto& session) { return session.CreateLocked(entity, record); });
}

template <class Backend>
Result<Record> SqlStore<Backend>::Replace(const schema::Entity& entity, std::string_view id,
                                          const Record& record) {
    return backend().template WithWriteSession<Record>(
        [&](auto& session) { return session.ReplaceLocked(entity, id, record); });
}

template <class Backend>
Result<Record> SqlStore<Backend>::Update(const schema::Entity& entity, std::string_view id,
                                         const Merge& merge) {
    return backend().template WithWriteSession<Record>(
        [&](auto& session) { return session.UpdateLocked(entity, id, merge); });
}

template <class Backend>
Result<Record> SqlStore<Backend>::Delete(const schema::Entity& entity, std::string_view id) {
    return backend().template WithWriteSession<Record>(
        [&](auto& session) { return session.DeleteLocked(entity, id, Check{}); });
}

template <class Backend>
Result<Record> SqlStore<Backend>::DeleteIf(const schema::Entity& entity, std::string_view id,
                                           const Check& check) {
    return backend().template WithWriteSession<Record>(
        [&](auto& session) { return session.DeleteLocked(entity, id, check); });
}

template <class Backend>
Result<std::vector<Record>> SqlStore<Backend>::Batch(std::vector<BatchItem> items) {
    return backend().template WithWriteSession<std::vector<Record>>(
        [&](auto& session) -> Result<std::vector<Record>> {
            std::vector<Record> out;
            out.reserve(items.size());
            for (std::size_t i = 0; i < items.size(); ++i) {
                const auto& item = items[i];
                const std::string prefix = "[" + std::to_string(i) + "]";
                if (item.entity == nullptr) {
                    return InvalidArgument("batch item " + std::to_string(i) + " names no entity");
                }
                Result<Record> written = [&]() -> Result<Record> {
                    if (!item.replace) {
                        return session.CreateLocked(*item.entity, item.record);
                    }
                    const boost::json::value* id = item.record.if_contains("id");
                    if (id == nullptr || !id->is_string()) {
                        return Error{ErrorCode::kValidationFailed,
                                     "a replace needs the record's id",
                                     {{"id", "is required to replace a record"}}};
                    }
                    if (item.merge) {
                        return session.UpdateLocked(*item.entity, id->get_string(), item.merge);
                    }
                    return session.ReplaceLocked(*item.entity, id->get_string(), item.record);
                }();
                if (!written) {
                    Error error = std::move(written.error());
                    error.message = prefix + " " + error.message;
                    for (auto& field : error.fields) {
                        field.field = prefix + "." + field.field;
                    }
                    return error;
                }
                out.push_back(std::move(*written));
            }
            return out;
        });
}

}  // namespace ea::store::sql
