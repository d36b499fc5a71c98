#include "auth/redis_subscriber.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <utility>

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <unistd.h>

namespace ea::auth {
namespace {

constexpr std::chrono::milliseconds kFirstRetry{100};
constexpr std::chrono::milliseconds kLongestRetry{2000};

bool IsMessage(const redisReply* reply) {
    return reply != nullptr && reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
           reply->element[0]->type == REDIS_REPLY_STRING &&
           std::string_view(reply->element[0]->str, reply->element[0]->len) == "message" &&
           reply->element[1]->type == REDIS_REPLY_STRING &&
           reply->element[2]->type == REDIS_REPLY_STRING;
}

}  // namespace

RedisSubscriber::RedisSubscriber(std::shared_ptr<RedisClient> client,
                                 std::vector<std::string> channels, MessageHandler on_message,
                                 EventHandler on_resubscribed, EventHandler on_disconnected)
    : client_(std::move(client)),
      channels_(std::move(channels)),
      on_message_(std::move(on_message)),
      on_resubscribed_(std::move(on_resubscribed)),
      on_disconnected_(std::move(on_disconnected)) {}

Result<std::unique_ptr<RedisSubscriber>> RedisSubscriber::Start(std::shared_ptr<RedisClient> client,
                                                                std::vector<std::string> channels,
                                                                MessageHandler on_message,
                                                                EventHandler on_resubscribed,
                                                                EventHandler on_disconnected) {
    if (!client || channels.empty() || !on_message) {
        return InvalidArgument("redis subscriber needs a client, channels and a message handler");
    }
    std::unique_ptr<RedisSubscriber> subscriber(
        new RedisSubscriber(std::move(client), std::move(channels), std::move(on_message),
                            std::move(on_resubscribed), std::move(on_disconnected)));
    if (::pipe2(subscriber->wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
        return Internal("redis subscriber: cannot create its wake-up pipe");
    }
    auto context = subscriber->ConnectAndSubscribe();
    if (!context) {
        return context.error();
    }
    subscriber->connected_ = true;
    subscriber->thread_ =
        std::thread([raw = subscriber.get(), first = *std::move(context)]() mutable {
            raw->Run(std::move(first));
        });
    return subscriber;
}

RedisSubscriber::~RedisSubscriber() {
    stopping_ = true;
    if (wake_[1] >= 0) {
        const char byte = 1;
        static_cast<void>(::write(wake_[1], &byte, 1));
    }
    if (thread_.joinable()) {
        thread_.join();
    }
    for (const int fd : wake_) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

Result<RedisClient::ContextPtr> RedisSubscriber::ConnectAndSubscribe() const {
    auto context = client_->Connect();
    if (!context) {
        return context.error();
    }
    // Keepalive, so a peer that vanished without a FIN is noticed too.
    static_cast<void>(redisEnableKeepAlive(context->get()));
    std::vector<const char*> argv = {"SUBSCRIBE"};
    std::vector<std::size_t> lengths = {9};
    for (const auto& channel : channels_) {
        argv.push_back(channel.data());
        lengths.push_back(channel.size());
    }
    // One confirmation per channel; the first is the command's own reply.
    RedisClient::ReplyPtr reply(static_cast<redisReply*>(redisCommandArgv(
        context->get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
    for (std::size_t confirmed = 0;;) {
        if (!reply) {
            return client_->Failure(std::string("SUBSCRIBE failed: ") + (*context)->errstr);
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            return client_->Failure("SUBSCRIBE failed: " + std::string(reply->str, reply->len));
        }
        if (++confirmed == channels_.size()) {
            break;
        }
        void* next = nullptr;
        if (redisGetReply(context->get(), &next) != REDIS_OK) {
            next = nullptr;
        }
        reply.reset(static_cast<redisReply*>(next));
    }
    return context;
}

bool RedisSubscriber::Drain(redisContext* context) const {
    for (;;) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(context, &raw) != REDIS_OK) {
            return false;
        }
        if (raw == nullptr) {
            return true;  // no whole reply buffered
        }
        RedisClient::ReplyPtr reply(static_cast<redisReply*>(raw));
        if (IsMessage(reply.get())) {
            on_message_(std::string_view(reply->element[1]->str, reply->element[1]->len),
                        std::string_view(reply->element[2]->str, reply->element[2]->len));
        }
    }
}

bool RedisSubscriber::Pause(std::chrono::milliseconds duration) const {
    pollfd wake{wake_[0], POLLIN, 0};
    return ::poll(&wake, 1, static_cast<int>(duration.count())) == 0 && !stopping_;
}

void RedisSubscriber::Run(RedisClient::ContextPtr context) {
    std::chrono::milliseconds retry = kFirstRetry;
    while (!stopping_) {
        if (!context) {
            if (!Pause(retry)) {
                break;
            }
            auto again = ConnectAndSubscribe();
            if (!again) {
                retry = std::min(retry * 2, kLongestRetry);
                continue;
            }
            context = *std::move(again);
            retry = kFirstRetry;
            connected_ = true;
            reconnects_.fetch_add(1);
            if (on_resubscribed_) {
                on_resubscribed_();
            }
        }
        // Replies the reader already holds first (SUBSCRIBE's read may have buffered some).
        bool broken = !Drain(context.get());
        if (!broken) {
            pollfd fds[2] = {{context->fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR) {
                    continue;
                }
                break;
            }
            if (fds[1].revents != 0 || stopping_) {
                break;
            }
            broken = redisBufferRead(context.get()) != REDIS_OK || !Drain(context.get());
        }
        if (broken) {
            context.reset();
            connected_ = false;
            if (on_disconnected_) {
                on_disconnected_();
            }
        }
    }
    connected_ = false;
}

}  // namespace ea::auth
