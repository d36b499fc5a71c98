// The McpServer in service. A schema reload puts a new one in; a request already being handled
// keeps the one it started with (it holds a reference), so nothing it uses goes away under it.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

namespace ea::mcp {

class McpServer;

class McpServerSlot {
public:
    explicit McpServerSlot(std::shared_ptr<const McpServer> server) : server_(std::move(server)) {}

    std::shared_ptr<const McpServer> Current() const {
        std::lock_guard lock(mutex_);
        return server_;
    }
    void Replace(std::shared_ptr<const McpServer> server) {
        std::lock_guard lock(mutex_);
        server_.swap(server);
    }  // the old server is released outside the lock, when its last request ends

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const McpServer> server_;
};

}  // namespace ea::mcp
