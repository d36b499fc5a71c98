#include "store/document_store.hpp"

namespace ea::store {

Result<AggregateResult> DocumentStore::Aggregate(const schema::Entity& entity,
                                                 const query::AggregateQuery& /*query*/) {
    return Internal("aggregates of " + entity.name() + " are not supported by the " +
                    std::string(backend()) + " store");
}

}  // namespace ea::store
