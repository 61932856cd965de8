// The cuDNN backend graph builder of vidperf-calibrate (see cudnn_graph.cuh).
#include "cudnn_graph.cuh"

namespace vpcal::cudnn {

std::string status_text(cudnnStatus_t s) {
    char last[512] = {};
    cudnnGetLastErrorString(last, sizeof last);
    std::string t = cudnnGetErrorString(s);
    if (last[0] != '\0') t += std::string(" (") + last + ")";
    return t;
}

void check(cudnnStatus_t s, const char* what) {
    if (s != CUDNN_STATUS_SUCCESS) throw error(std::string(what) + ": " + status_text(s));
}

descriptor::descriptor(cudnnBackendDescriptorType_t type) {
    CUDNN_CHECK(cudnnBackendCreateDescriptor(type, &d_));
}

descriptor::~descriptor() {
    if (d_ != nullptr) cudnnBackendDestroyDescriptor(d_);
}

void set(cudnnBackendDescriptor_t d, cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
         std::int64_t count, const void* values) {
    const cudnnStatus_t s = cudnnBackendSetAttribute(d, name, type, count, values);
    if (s != CUDNN_STATUS_SUCCESS)
        throw error("cudnnBackendSetAttribute(attribute " + std::to_string(static_cast<int>(name)) +
                    "): " + status_text(s));
}

std::vector<std::int64_t> packed(const std::vector<std::int64_t>& dims) {
    std::vector<std::int64_t> s(dims.size(), 1);
    for (std::size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
    return s;
}

cudnnBackendDescriptor_t graph::make(cudnnBackendDescriptorType_t type) {
    owned_.push_back(std::make_unique<descriptor>(type));
    return owned_.back()->get();
}

tensor graph::add(const std::vector<std::int64_t>& dims, const std::vector<std::int64_t>& strides,
                  cudnnDataType_t type, bool is_virtual, bool by_value) {
    tensor t;
    t.desc = make(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
    t.uid = next_uid_++;
    const std::int64_t alignment = 16;
    set(t.desc, CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &type);
    set(t.desc, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, static_cast<std::int64_t>(dims.size()), dims.data());
    set(t.desc, CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, static_cast<std::int64_t>(strides.size()),
        strides.data());
    set(t.desc, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &t.uid);
    set(t.desc, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &alignment);
    set(t.desc, CUDNN_ATTR_TENSOR_IS_VIRTUAL, CUDNN_TYPE_BOOLEAN, 1, &is_virtual);
    if (by_value) set(t.desc, CUDNN_ATTR_TENSOR_IS_BY_VALUE, CUDNN_TYPE_BOOLEAN, 1, &by_value);
    CUDNN_CHECK(cudnnBackendFinalize(t.desc));
    return t;
}

void graph::matmul(tensor a, tensor b, tensor c) {
    const cudnnDataType_t compute = CUDNN_DATA_FLOAT;
    cudnnBackendDescriptor_t desc = make(CUDNN_BACKEND_MATMUL_DESCRIPTOR);
    set(desc, CUDNN_ATTR_MATMUL_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &compute);
    CUDNN_CHECK(cudnnBackendFinalize(desc));
    cudnnBackendDescriptor_t op = make(CUDNN_BACKEND_OPERATION_MATMUL_DESCRIPTOR);
    set(op, CUDNN_ATTR_OPERATION_MATMUL_ADESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &a.desc);
    set(op, CUDNN_ATTR_OPERATION_MATMUL_BDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &b.desc);
    set(op, CUDNN_ATTR_OPERATION_MATMUL_CDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &c.desc);
    set(op, CUDNN_ATTR_OPERATION_MATMUL_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &desc);
    CUDNN_CHECK(cudnnBackendFinalize(op));
    ops_.push_back(op);
}

void graph::pointwise(cudnnPointwiseMode_t mode, tensor x, const tensor* b, tensor y) {
    const cudnnDataType_t compute = CUDNN_DATA_FLOAT;
    cudnnBackendDescriptor_t desc = make(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
    set(desc, CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, 1, &mode);
    set(desc, CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, 1, &compute);
    CUDNN_CHECK(cudnnBackendFinalize(desc));
    cudnnBackendDescriptor_t op = make(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
    set(op, CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &desc);
    set(op, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x.desc);
    if (b != nullptr) set(op, CUDNN_ATTR_OPERATION_POINTWISE_BDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &b->desc);
    set(op, CUDNN_ATTR_OPERATION_POINTWISE_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &y.desc);
    const float one = 1.0f;
    set(op, CUDNN_ATTR_OPERATION_POINTWISE_ALPHA1, CUDNN_TYPE_FLOAT, 1, &one);
    set(op, CUDNN_ATTR_OPERATION_POINTWISE_ALPHA2, CUDNN_TYPE_FLOAT, 1, &one);
    CUDNN_CHECK(cudnnBackendFinalize(op));
    ops_.push_back(op);
}

void graph::reduction(cudnnReduceTensorOp_t mode, tensor x, tensor y) {
    const cudnnDataType_t compute = CUDNN_DATA_FLOAT;
    cudnnBackendDescriptor_t desc = make(CUDNN_BACKEND_REDUCTION_DESCRIPTOR);
    set(desc, CUDNN_ATTR_REDUCTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &compute);
    set(desc, CUDNN_ATTR_REDUCTION_OPERATOR, CUDNN_TYPE_REDUCTION_OPERATOR_TYPE, 1, &mode);
    CUDNN_CHECK(cudnnBackendFinalize(desc));
    cudnnBackendDescriptor_t op = make(CUDNN_BACKEND_OPERATION_REDUCTION_DESCRIPTOR);
    set(op, CUDNN_ATTR_OPERATION_REDUCTION_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &desc);
    set(op, CUDNN_ATTR_OPERATION_REDUCTION_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x.desc);
    set(op, CUDNN_ATTR_OPERATION_REDUCTION_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &y.desc);
    CUDNN_CHECK(cudnnBackendFinalize(op));
    ops_.push_back(op);
}

void graph::reshape(tensor x, tensor y) {
    cudnnBackendDescriptor_t op = make(CUDNN_BACKEND_OPERATION_RESHAPE_DESCRIPTOR);
    set(op, CUDNN_ATTR_OPERATION_RESHAPE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x.desc);
    set(op, CUDNN_ATTR_OPERATION_RESHAPE_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &y.desc);
    CUDNN_CHECK(cudnnBackendFinalize(op));
    ops_.push_back(op);
}

bool graph::build(std::string& reason) {
    cudnnBackendDescriptor_t og = make(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
    set(og, CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle_);
    set(og, CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, static_cast<std::int64_t>(ops_.size()),
        ops_.data());
    if (const cudnnStatus_t s = cudnnBackendFinalize(og); s != CUDNN_STATUS_SUCCESS) {
        reason = "cuDNN rejects the operation graph: " + status_text(s);
        return false;
    }
    std::string tried;
    struct mode_name {
        cudnnBackendHeurMode_t mode;
        const char* name;
    };
    for (const mode_name m : {mode_name{CUDNN_HEUR_MODE_A, "A"}, mode_name{CUDNN_HEUR_MODE_FALLBACK, "fallback"}}) {
        cudnnBackendDescriptor_t heur = make(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
        set(heur, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &og);
        set(heur, CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &m.mode);
        if (const cudnnStatus_t s = cudnnBackendFinalize(heur); s != CUDNN_STATUS_SUCCESS) {
            tried += std::string(tried.empty() ? "" : "; ") + "heuristics " + m.name + ": " + status_text(s);
            continue;
        }
        std::int64_t count = 0;
        if (cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &count,
                                     nullptr) != CUDNN_STATUS_SUCCESS ||
            count <= 0) {
            tried += std::string(tried.empty() ? "" : "; ") + "heuristics " + m.name + ": no engine configuration";
            continue;
        }
        std::vector<cudnnBackendDescriptor_t> configs;
        for (std::int64_t i = 0; i < count; ++i) configs.push_back(make(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR));
        std::int64_t got = 0;
        CUDNN_CHECK(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, count,
                                             &got, configs.data()));
        for (std::int64_t i = 0; i < got; ++i) {
            cudnnBackendDescriptor_t plan = make(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
            set(plan, CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle_);
            set(plan, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &configs[i]);
            const cudnnStatus_t s = cudnnBackendFinalize(plan);
            if (s != CUDNN_STATUS_SUCCESS) {
                if (i == 0) tried += std::string(tried.empty() ? "" : "; ") + "heuristics " + m.name + " configuration 0: " + status_text(s);
                continue;
            }
            CUDNN_CHECK(cudnnBackendGetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1,
                                                 nullptr, &workspace_));
            cudnnBackendDescriptor_t engine = make(CUDNN_BACKEND_ENGINE_DESCRIPTOR);
            std::int64_t n = 0;
            if (cudnnBackendGetAttribute(configs[i], CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &n,
                                         &engine) == CUDNN_STATUS_SUCCESS &&
                cudnnBackendGetAttribute(engine, CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, 1, &n, &engine_) !=
                    CUDNN_STATUS_SUCCESS)
                engine_ = -1;
            plan_ = plan;
            heuristic_ = m.name;
            return true;
        }
        tried += std::string(tried.empty() ? "" : "; ") + "heuristics " + m.name + ": none of " + std::to_string(got) +
                 " engine configurations finalised";
    }
    reason = "no cuDNN engine supports the graph (" + tried + ")";
    return false;
}

void graph::bind(const std::vector<std::pair<std::int64_t, void*>>& data, void* workspace) {
    uids_.clear();
    pointers_.clear();
    for (const auto& [uid, p] : data) {
        uids_.push_back(uid);
        pointers_.push_back(p);
    }
    pack_ = make(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
    set(pack_, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, static_cast<std::int64_t>(uids_.size()),
        uids_.data());
    set(pack_, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, static_cast<std::int64_t>(pointers_.size()),
        pointers_.data());
    set(pack_, CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &workspace);
    CUDNN_CHECK(cudnnBackendFinalize(pack_));
}

void graph::run() const { CUDNN_CHECK(cudnnBackendExecute(handle_, plan_, pack_)); }

} // namespace vpcal::cudnn
