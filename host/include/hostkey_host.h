/* C ABI of the hostkeyresellermod host (libhostkey_host.so), for PHP FFI.
 * Messages are JSON, see docs/architecture.md. Functions returning
 * hk_error* return NULL on success; free every returned object. */
typedef struct hk_runtime hk_runtime;
typedef struct hk_error hk_error;
typedef struct hk_buffer hk_buffer;

/* Answers one capability request by calling hk_reply(reply, ...) once. */
typedef void (*hk_capability_fn)(const char *request, size_t request_len, void *reply);

hk_error *hk_runtime_new(const char *options, size_t options_len, hk_capability_fn capability, hk_runtime **out);
hk_error *hk_runtime_call(hk_runtime *runtime, const char *call, size_t call_len, hk_buffer **out);
void hk_reply(void *reply, const char *data, size_t len);
const uint8_t *hk_buffer_data(const hk_buffer *buffer);
size_t hk_buffer_len(const hk_buffer *buffer);
void hk_buffer_free(hk_buffer *buffer);
const char *hk_error_message(const hk_error *error);
void hk_error_free(hk_error *error);
void hk_runtime_free(hk_runtime *runtime);
