// AuthService's audited Login and Logout (auth_service.hpp): one AuditEvent each.
#include "service/audit_scope.hpp"
#include "service/auth_service.hpp"

namespace ea::service {

Result<LoginResult> AuthService::Login(const RequestContext& ctx, const schema::Entity& entity,
                                       std::string_view username, std::string_view password,
                                       std::string_view client_address) {
    AuditScope audit(audit_, ctx, "login", entity.name());
    if (!ctx.principal.authenticated) {
        audit.SetUsername(username);
    }
    if (auto reserved = audit.BeforeWrite(); !reserved) {
        return reserved.error();
    }
    auto login = Login(entity, username, password, client_address, ctx.now);
    if (login) {
        const auto& session = login->session;
        audit.SetPrincipal(session.user_id, session.username, session.role);
        audit.SetId(session.user_id);
        return audit.Done(std::move(login));
    }
    return audit.Done(std::move(login));
}

Status AuthService::Logout(const RequestContext& ctx, std::string_view token) {
    AuditScope audit(audit_, ctx, "logout", "");
    audit.SetId(ctx.principal.user_id);
    if (auto reserved = audit.BeforeWrite(); !reserved) {
        return reserved;
    }
    return audit.Done(Logout(token, ctx.now));
}

}  // namespace ea::service
