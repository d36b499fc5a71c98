#include "auth/redis_client.hpp"

#include <mutex>
#include <utility>

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include "auth/session_common.hpp"

namespace ea::auth {
namespace {

timeval ToTimeval(std::chrono::milliseconds duration) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
    return tv;
}

}  // namespace

void RedisClient::ContextCloser::operator()(redisContext* context) const {
    redisFree(context);
}

void RedisClient::ReplyFreer::operator()(redisReply* reply) const {
    freeReplyObject(reply);
}

RedisClient::RedisClient(RedisEndpoint endpoint, std::string what, RedisClientOptions options)
    : endpoint_(std::move(endpoint)), what_(std::move(what)), options_(options) {}

RedisClient::~RedisClient() = default;

Result<std::unique_ptr<RedisClient>> RedisClient::Open(RedisEndpoint endpoint, std::string what,
                                                       RedisClientOptions options) {
    static std::once_flag ignore_sigpipe;
    std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
    std::unique_ptr<RedisClient> client(
        new RedisClient(std::move(endpoint), std::move(what), options));
    if (auto ping = client->Command({"PING"}); !ping) {
        return ping.error();
    }
    return client;
}

Error RedisClient::Failure(std::string_view reason) const {
    Error error = Unavailable(what_ + " unavailable; try again later");
    error.detail = what_ + " (" + endpoint_.Describe() + "): " + std::string(reason);
    return error;
}

Result<RedisClient::ContextPtr> RedisClient::Connect() const {
    ContextPtr context(redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port,
                                               ToTimeval(options_.connect_timeout)));
    if (!context) {
        return Failure("cannot allocate a connection");
    }
    if (context->err != 0) {
        return Failure(std::string("cannot connect: ") + context->errstr);
    }
    if (redisSetTimeout(context.get(), ToTimeval(options_.command_timeout)) != REDIS_OK) {
        return Failure("cannot set the command timeout");
    }
    std::vector<std::vector<std::string>> handshake;
    if (!endpoint_.password.empty()) {
        handshake.push_back(
            endpoint_.username.empty()
                ? std::vector<std::string>{"AUTH", endpoint_.password}
                : std::vector<std::string>{"AUTH", endpoint_.username, endpoint_.password});
    }
    if (endpoint_.db != 0) {
        handshake.push_back({"SELECT", std::to_string(endpoint_.db)});
    }
    for (const auto& args : handshake) {
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const auto& arg : args) {
            argv.push_back(arg.data());
            lengths.push_back(arg.size());
        }
        ReplyPtr reply(static_cast<redisReply*>(redisCommandArgv(
            context.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
        const std::string what = args[0] == "AUTH" ? "authentication failed: " : "SELECT failed: ";
        if (!reply) {
            return Failure(what + context->errstr);
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            return Failure(what + std::string(reply->str, reply->len));
        }
    }
    return context;
}

Status RedisClient::Run(const std::vector<std::string>& args) {
    auto reply = Command(args);
    if (!reply) {
        return reply.error();
    }
    return Ok();
}

Result<RedisClient::ReplyPtr> RedisClient::Command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    for (int attempt = 0;; ++attempt) {
        ContextPtr context;
        bool reused = false;
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                context = std::move(idle_.back());
                idle_.pop_back();
                reused = true;
            }
        }
        if (!context) {
            auto connected = Connect();
            if (!connected) {
                return connected.error();
            }
            context = std::move(*connected);
        }
        ReplyPtr reply(static_cast<redisReply*>(redisCommandArgv(
            context.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
        if (!reply) {
            // A pooled connection may predate a restart, and so may its idle siblings: drop
            // them and retry once on a fresh connection.
            const std::string reason = context->errstr;
            if (reused && attempt == 0) {
                std::lock_guard lock(mutex_);
                idle_.clear();
                continue;
            }
            return Failure("command failed: " + reason);
        }
        {
            std::lock_guard lock(mutex_);
            if (idle_.size() < options_.max_idle_connections) {
                idle_.push_back(std::move(context));
            }
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            return Failure("command failed: " + std::string(reply->str, reply->len));
        }
        return reply;
    }
}

}  // namespace ea::auth
