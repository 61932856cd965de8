#pragma once
// A small builder over cuDNN's backend graph API (cudnn_graph.h): tensors,
// matmul / pointwise / reduction / reshape operations, an operation graph,
// an execution plan chosen by heuristics (mode A, then the fallback list),
// and a variant pack to execute it with.
#include <cudnn.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace vpcal::cudnn {

/// A cuDNN call failed; the message carries cuDNN's last error string.
struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[nodiscard]] std::string status_text(cudnnStatus_t s);
void check(cudnnStatus_t s, const char* what);

#define CUDNN_CHECK(expr) ::vpcal::cudnn::check((expr), #expr)

/// Owns one backend descriptor.
class descriptor {
public:
    explicit descriptor(cudnnBackendDescriptorType_t type);
    ~descriptor();
    descriptor(const descriptor&) = delete;
    descriptor& operator=(const descriptor&) = delete;
    [[nodiscard]] cudnnBackendDescriptor_t get() const { return d_; }

private:
    cudnnBackendDescriptor_t d_ = nullptr;
};

void set(cudnnBackendDescriptor_t d, cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
         std::int64_t count, const void* values);

struct tensor {
    cudnnBackendDescriptor_t desc = nullptr;
    std::int64_t uid = 0;
};

/// Packed (row-major) strides of `dims`.
[[nodiscard]] std::vector<std::int64_t> packed(const std::vector<std::int64_t>& dims);

class graph {
public:
    explicit graph(cudnnHandle_t handle) : handle_(handle) {}
    tensor add(const std::vector<std::int64_t>& dims, const std::vector<std::int64_t>& strides, cudnnDataType_t type,
               bool is_virtual, bool by_value = false);
    tensor add_virtual(const std::vector<std::int64_t>& dims, cudnnDataType_t type = CUDNN_DATA_FLOAT) {
        return add(dims, packed(dims), type, true);
    }
    void matmul(tensor a, tensor b, tensor c);
    void pointwise(cudnnPointwiseMode_t mode, tensor x, const tensor* b, tensor y);
    void reduction(cudnnReduceTensorOp_t op, tensor x, tensor y);
    void reshape(tensor x, tensor y);

    /// Finalises the operation graph and the first execution plan that
    /// finalises, over heuristics mode A then the fallback list. Returns false
    /// with `reason` when no engine supports the graph.
    bool build(std::string& reason);
    [[nodiscard]] std::int64_t workspace_bytes() const { return workspace_; }
    [[nodiscard]] std::int64_t engine_index() const { return engine_; }
    [[nodiscard]] const char* heuristic() const { return heuristic_; }

    /// Binds the data pointers (uid -> pointer) and the workspace; then run() executes the plan.
    void bind(const std::vector<std::pair<std::int64_t, void*>>& data, void* workspace);
    void run() const;

private:
    cudnnBackendDescriptor_t make(cudnnBackendDescriptorType_t type);
    cudnnHandle_t handle_;
    std::vector<std::unique_ptr<descriptor>> owned_;
    std::vector<cudnnBackendDescriptor_t> ops_;
    std::int64_t next_uid_ = 1;
    cudnnBackendDescriptor_t plan_ = nullptr, pack_ = nullptr;
    std::int64_t workspace_ = 0, engine_ = -1;
    const char* heuristic_ = "";
    std::vector<std::int64_t> uids_;
    std::vector<void*> pointers_;
};

} // namespace vpcal::cudnn
