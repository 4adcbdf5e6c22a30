// tap.c: the N-API addon behind mirage-unix's tap backend (Linux only).
//
//   open(name, bringUp, offloads?) -> { fd, name, vnetHeader, offloads }
//                                          opens /dev/net/tun as a tap (IFF_TAP | IFF_NO_PI, so every
//                                          read and write is exactly one ethernet frame) with a
//                                          non-blocking fd; bringUp sets the interface up if it is down.
//                                          The name must have at most 15 bytes in UTF-8 and no NUL.
//                                          With offloads (TUN_F_* bits, 0 for none: the default) and a kernel
//                                          that has IFF_VNET_HDR, every frame is preceded by a 12-byte
//                                          virtio-net header (vnetHeader true) and TUNSETOFFLOAD is given
//                                          the largest accepted subset of offloads (offloads: what the
//                                          kernel may hand us; it takes segmentation and partial
//                                          checksums from us whatever they are).
//   queueLength(fd, length?) -> number     the interface's txqueuelen (the frames the kernel holds for
//                                          the reader), set to `length` first when given and different.
//   netdev(fd) -> { name, table }          the interface's current name and the /proc/net/dev table of
//                                          the namespace it is in now (it may have been moved out of
//                                          ours), for its drop counters.
//   poll(fd, onFrames)  -> stop()          watches the fd with uv_poll (readiness on the event loop, no
//                                          thread-pool reads, so nothing blocks process exit) and on
//                                          each wake-up calls onFrames(data, ends, errorCode) with the
//                                          frames that were ready, read until EAGAIN (or a full batch):
//                                          one Buffer holding them back to back and a Uint32Array of
//                                          where each ends, so a wake-up crosses into JavaScript once
//                                          and allocates two objects, whatever the number of frames.
//                                          A fatal read error stops the poller and is reported as
//                                          errorCode (an errno name).
//
//   writeFrames(fd, data, ends, count, errors) -> failures
//                                          writes `count` frames that lie back to back in `data` (a
//                                          Uint8Array; frame i ends at ends[i], a Uint32Array, and starts
//                                          where frame i - 1 ends), each with its virtio-net header in
//                                          front when the tap has one: one write(2) per frame, as a tap
//                                          takes one packet per write, straight from the JavaScript
//                                          memory (no copy), so a burst crosses into C once. errors[i]
//                                          (an Int32Array) gets 0 or the errno of frame i; the result is
//                                          how many failed. A failed frame does not stop the others: the
//                                          kernel takes or refuses each packet on its own, as a NIC ring
//                                          (EAGAIN: the tap's socket buffer is full; EINVAL: a frame the
//                                          kernel refuses; EBADF/EIO: the tap is closed or down).
// Errors thrown to JavaScript carry the errno name as `code` (EPERM, ENOENT, EBUSY...); a failed napi_*
// call throws an Error with code ENAPI naming the call, and nothing goes on with its unset result.
#define _GNU_SOURCE // setns
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#define VNET_HEADER 12 // struct virtio_net_hdr_v1: the legacy 10 bytes and num_buffers
// Larger than any frame a tap hands out: a header, 65535 bytes of IP packet (an MTU or a GRO'd segment)
// and an ethernet header with a VLAN tag. A shorter buffer would truncate large segments silently.
#define FRAME_BUFFER (VNET_HEADER + 18 + 65535)
#define BATCH 256 // frames per wake-up at most; uv_poll fires again if more are ready
// Where a wake-up's frames are read: 256 small frames, or 16 of the largest.
#define STAGING (16 * FRAME_BUFFER)

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
  int stopped;   // stop() ran (or the poller stopped itself on an error)
  int closed;    // libuv released the handle (or it was never initialized)
  int finalized; // the JavaScript stop function was garbage collected
  uint32_t ends[BATCH];
  unsigned char staging[STAGING];
} Poller;

static void throw_errno(napi_env env, int error, const char *what, const char *name) {
  char message[256];
  snprintf(message, sizeof message, "%s %s: %s", what, name, strerror(error));
  napi_throw_error(env, uv_err_name(uv_translate_sys_error(error)), message);
}

static void throw_fd_errno(napi_env env, int error, int fd) {
  char descriptor[32];
  snprintf(descriptor, sizeof descriptor, "descriptor %d", fd);
  throw_errno(env, error, "TUNGETIFF on", descriptor);
}

// Describes the napi_* call that just failed, `call` being its source text (cut at the parenthesis).
static void napi_failure(napi_env env, const char *call, char *message, size_t size) {
  const napi_extended_error_info *info = NULL;
  const char *reason = "unknown error";
  if (napi_get_last_error_info(env, &info) == napi_ok && info != NULL && info->error_message != NULL)
    reason = info->error_message;
  snprintf(message, size, "%.*s failed: %s", (int)strcspn(call, "("), call, reason);
}

// Throws for a failed napi_* call, unless the call left an exception of its own pending.
static void throw_napi_failure(napi_env env, const char *call) {
  char message[256];
  napi_failure(env, call, message, sizeof message); // before any other call replaces the error info
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
  napi_throw_error(env, "ENAPI", message);
}

// In functions called from JavaScript: a failed napi_* call throws and the function returns.
#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) {                                                                                           \
      throw_napi_failure(env, #call);                                                                                  \
      return NULL;                                                                                                     \
    }                                                                                                                  \
  } while (0)

// In libuv callbacks nobody can be thrown to: a failed napi_* call ends the process with its name.
static void fatal_napi_failure(napi_env env, const char *call) {
  char message[256];
  napi_failure(env, call, message, sizeof message);
  napi_fatal_error("mirage-unix tap addon", NAPI_AUTO_LENGTH, message, NAPI_AUTO_LENGTH);
}

#define CHECK_OR_DIE(call)                                                                                             \
  do {                                                                                                                 \
    if ((call) != napi_ok) fatal_napi_failure(env, #call);                                                             \
  } while (0)

// While reading frames: describes the napi_* call that failed and clears the exception it may have left,
// so that the failure can still be reported to JavaScript.
static void take_napi_failure(napi_env env, const char *call, char *message, size_t size) {
  napi_failure(env, call, message, size);
  bool pending = false;
  napi_value ignored;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
    (void)napi_get_and_clear_last_exception(env, &ignored); // its gist is in the message already
}

// Both the handle close and the stop function's finalizer must have happened before the memory goes.
static void release_if_done(Poller *p) {
  if (p->closed && p->finalized) free(p);
}

static void on_close(uv_handle_t *handle) {
  Poller *p = (Poller *)handle->data;
  p->closed = 1;
  release_if_done(p);
}

static void cleanup_hook(void *arg);

// Stops watching and releases the JavaScript references; returns the first napi_* call that failed.
static const char *stop_poller(Poller *p, int from_env_teardown) {
  const char *failed = NULL;
  if (p->stopped) return NULL;
  p->stopped = 1;
  uv_poll_stop(&p->poll);
  if (!from_env_teardown) {
    if (napi_delete_reference(p->env, p->callback) != napi_ok) failed = "napi_delete_reference";
    if (napi_async_destroy(p->env, p->context) != napi_ok && failed == NULL) failed = "napi_async_destroy";
    if (napi_remove_env_cleanup_hook(p->env, cleanup_hook, p) != napi_ok && failed == NULL)
      failed = "napi_remove_env_cleanup_hook";
  }
  uv_close((uv_handle_t *)&p->poll, on_close);
  return failed;
}

static void cleanup_hook(void *arg) { stop_poller((Poller *)arg, 1); }

// Reads the interface name of a tap descriptor (the kernel's current one, after any rename).
static int tap_name(int fd, char name[IFNAMSIZ]) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  if (ioctl(fd, TUNGETIFF, &ifr) < 0) return -1;
  memcpy(name, ifr.ifr_name, IFNAMSIZ);
  name[IFNAMSIZ - 1] = '\0';
  return 0;
}

static napi_value open_result(napi_env env, int fd, const char *name, bool vnet_header, uint32_t offloads) {
  napi_value result, value;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_int32(env, fd, &value));
  CHECK(napi_set_named_property(env, result, "fd", value));
  CHECK(napi_create_string_utf8(env, name, strnlen(name, IFNAMSIZ), &value));
  CHECK(napi_set_named_property(env, result, "name", value));
  CHECK(napi_get_boolean(env, vnet_header, &value));
  CHECK(napi_set_named_property(env, result, "vnetHeader", value));
  CHECK(napi_create_uint32(env, offloads, &value));
  CHECK(napi_set_named_property(env, result, "offloads", value));
  return result;
}

// Sets the header size (always: a persistent tap keeps its last owner's) and the largest subset of
// `wanted` TUNSETOFFLOAD accepts, dropping the bits older kernels refuse with EINVAL (USO, then TSO).
// Returns the offloads set, or -1 with errno.
static long negotiate_offloads(int fd, uint32_t wanted) {
  int size = VNET_HEADER;
  if (ioctl(fd, TUNSETVNETHDRSZ, &size) < 0) return -1;
  const uint32_t usable = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
  const uint32_t tries[] = {wanted, wanted & usable, wanted & (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6),
                            wanted & TUN_F_CSUM, 0};
  for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
    if ((tries[i] & ~TUN_F_CSUM) != 0 && !(tries[i] & TUN_F_CSUM)) continue; // every other flag needs CSUM
    if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)tries[i]) == 0) return tries[i];
    if (errno != EINVAL) return -1;
  }
  return -1;
}

static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_valuetype type = napi_undefined;
  char name[IFNAMSIZ] = {0};
  size_t length = 0;
  bool bring_up = false;
  uint32_t wanted = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_string ||
      napi_get_value_bool(env, argv[1], &bring_up) != napi_ok ||
      (argc >= 3 && napi_get_value_uint32(env, argv[2], &wanted) != napi_ok)) {
    napi_throw_type_error(env, NULL, "open(name: string, bringUp: boolean, offloads?: number)");
    return NULL;
  }
  // The length first: copying into a short buffer would cut a long name and open another interface.
  CHECK(napi_get_value_string_utf8(env, argv[0], NULL, 0, &length));
  if (length >= IFNAMSIZ) {
    napi_throw_range_error(env, NULL, "tap interface names have at most 15 bytes");
    return NULL;
  }
  CHECK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &length));
  if (strlen(name) != length) {
    napi_throw_range_error(env, NULL, "tap interface names cannot contain a NUL character");
    return NULL;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    throw_errno(env, errno, "open", "/dev/net/tun");
    return NULL;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  unsigned int features = 0;
  bool vnet_header = wanted != 0 && ioctl(fd, TUNGETFEATURES, &features) == 0 && (features & IFF_VNET_HDR);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_header ? IFF_VNET_HDR : 0);
  memcpy(ifr.ifr_name, name, length);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int error = errno;
    close(fd);
    throw_errno(env, error, "TUNSETIFF", name);
    return NULL;
  }
  long offloads = 0;
  if (vnet_header && (offloads = negotiate_offloads(fd, wanted)) < 0) {
    int error = errno;
    close(fd);
    throw_errno(env, error, "setting the virtio-net header and offloads of", ifr.ifr_name);
    return NULL;
  }
  if (bring_up) {
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq flags;
    memset(&flags, 0, sizeof flags);
    memcpy(flags.ifr_name, ifr.ifr_name, IFNAMSIZ);
    int ok = sock >= 0 && ioctl(sock, SIOCGIFFLAGS, &flags) == 0;
    if (ok && !(flags.ifr_flags & IFF_UP)) {
      flags.ifr_flags |= IFF_UP | IFF_RUNNING;
      ok = ioctl(sock, SIOCSIFFLAGS, &flags) == 0;
    }
    int error = errno;
    if (sock >= 0) close(sock);
    if (!ok) {
      close(fd);
      throw_errno(env, error, "bringing up", ifr.ifr_name);
      return NULL;
    }
  }
  napi_value result = open_result(env, fd, ifr.ifr_name, vnet_header, (uint32_t)offloads);
  if (result == NULL) close(fd); // nobody would ever close it
  return result;
}

static napi_value QueueLength(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_valuetype type = napi_undefined;
  int32_t fd = -1, length = -1;
  char name[IFNAMSIZ];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 2) CHECK(napi_typeof(env, argv[1], &type));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      (type != napi_undefined && (napi_get_value_int32(env, argv[1], &length) != napi_ok || length < 0))) {
    napi_throw_type_error(env, NULL, "queueLength(fd: number, length?: number >= 0)");
    return NULL;
  }
  if (tap_name(fd, name) < 0) {
    throw_fd_errno(env, errno, fd);
    return NULL;
  }
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) {
    throw_errno(env, errno, "socket for", name);
    return NULL;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, IFNAMSIZ);
  const char *step = "SIOCGIFTXQLEN";
  int ok = ioctl(sock, SIOCGIFTXQLEN, &ifr) == 0;
  if (ok && length >= 0 && ifr.ifr_qlen != length) {
    step = "SIOCSIFTXQLEN";
    ifr.ifr_qlen = length;
    ok = ioctl(sock, SIOCSIFTXQLEN, &ifr) == 0;
  }
  int error = errno;
  close(sock);
  if (!ok) {
    throw_errno(env, error, step, name);
    return NULL;
  }
  napi_value result;
  CHECK(napi_create_int32(env, ifr.ifr_qlen, &result));
  return result;
}

// Reads a whole file whose size is not known beforehand (a /proc file); NULL with errno on failure.
static char *read_all(const char *path, size_t *length) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t size = 16384, used = 0;
  char *text = malloc(size);
  while (text != NULL) {
    ssize_t n = read(fd, text + used, size - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      free(text);
      text = NULL;
      errno = error;
    } else if (n == 0) {
      break;
    } else if ((used += (size_t)n) == size) {
      char *larger = realloc(text, size *= 2);
      if (larger == NULL) free(text);
      text = larger;
    }
  }
  int error = errno;
  close(fd);
  errno = error;
  *length = used;
  return text;
}

typedef struct {
  int nsfd;
  char *text;
  size_t length;
  int error;
} NetdevRead;

static void read_netdev(NetdevRead *r) {
  r->text = read_all("/proc/thread-self/net/dev", &r->length);
  if (r->text == NULL) r->error = errno;
}

// Runs on a thread of its own: setns changes only this thread's namespace, which ends with it.
static void read_netdev_in_namespace(void *arg) {
  NetdevRead *r = (NetdevRead *)arg;
  if (setns(r->nsfd, CLONE_NEWNET) != 0) r->error = errno;
  else read_netdev(r);
}

static int in_our_namespace(int nsfd) {
  struct stat theirs, ours;
  return fstat(nsfd, &theirs) == 0 && stat("/proc/thread-self/ns/net", &ours) == 0 && theirs.st_dev == ours.st_dev &&
         theirs.st_ino == ours.st_ino;
}

static napi_value netdev_result(napi_env env, const char *name, const char *table, size_t length) {
  napi_value result, value;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &value));
  CHECK(napi_set_named_property(env, result, "name", value));
  CHECK(napi_create_string_utf8(env, table, length, &value));
  CHECK(napi_set_named_property(env, result, "table", value));
  return result;
}

static napi_value Netdev(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  char name[IFNAMSIZ];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "netdev(fd: number)");
    return NULL;
  }
  if (tap_name(fd, name) < 0) {
    throw_fd_errno(env, errno, fd);
    return NULL;
  }
  NetdevRead r = {.nsfd = -1, .text = NULL, .length = 0, .error = 0};
#ifdef TUNGETDEVNETNS
  r.nsfd = ioctl(fd, TUNGETDEVNETNS); // needs CAP_NET_ADMIN; without it the device is taken to be ours
#endif
  if (r.nsfd >= 0 && !in_our_namespace(r.nsfd)) {
    uv_thread_t thread;
    int rc = uv_thread_create(&thread, read_netdev_in_namespace, &r);
    if (rc != 0) r.error = -rc;
    else uv_thread_join(&thread);
  } else {
    read_netdev(&r);
  }
  if (r.nsfd >= 0) close(r.nsfd);
  if (r.text == NULL) {
    throw_errno(env, r.error, "reading /proc/net/dev for", name);
    return NULL;
  }
  napi_value result = netdev_result(env, name, r.text, r.length);
  free(r.text);
  return result;
}

// Delivers the frames read (and a failure) to JavaScript. A frame that could not be handed over ends
// reception with the failure that says why: it is lost, and so would every later one be.
static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  Poller *p = (Poller *)handle->data;
  if (p->stopped) return;
  napi_env env = p->env;
  napi_handle_scope scope;
  CHECK_OR_DIE(napi_open_handle_scope(env, &scope));
  napi_value callback, receiver, args[3], result;
  uint32_t count = 0;
  size_t used = 0;
  char napi_message[256];
  const char *failure = status < 0 ? uv_err_name(status) : NULL;
  // Frames are read back to back while a largest one still fits; one copy hands them all over.
  while (!failure && count < BATCH && used + FRAME_BUFFER <= STAGING) {
    ssize_t n = read(p->fd, p->staging + used, FRAME_BUFFER);
    if (n > 0) {
      used += (size_t)n;
      p->ends[count++] = (uint32_t)used;
    } else if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else if (errno != EINTR) {
      failure = uv_err_name(uv_translate_sys_error(errno));
    }
  }
  if (count > 0 || failure) {
    napi_value ends_buffer;
    void *ends_data = NULL;
    const char *call = NULL;
    if (napi_create_buffer_copy(env, used, p->staging, NULL, &args[0]) != napi_ok) call = "napi_create_buffer_copy";
    else if (napi_create_arraybuffer(env, count * sizeof(uint32_t), &ends_data, &ends_buffer) != napi_ok)
      call = "napi_create_arraybuffer";
    else if (napi_create_typedarray(env, napi_uint32_array, count, ends_buffer, 0, &args[1]) != napi_ok)
      call = "napi_create_typedarray";
    if (call != NULL) {
      // The frames are lost, and so would every later one be: reception ends with the reason.
      take_napi_failure(env, call, napi_message, sizeof napi_message);
      failure = napi_message;
      count = 0;
      used = 0;
      CHECK_OR_DIE(napi_create_buffer(env, 0, NULL, &args[0]));
      CHECK_OR_DIE(napi_create_arraybuffer(env, 0, &ends_data, &ends_buffer));
      CHECK_OR_DIE(napi_create_typedarray(env, napi_uint32_array, 0, ends_buffer, 0, &args[1]));
    } else if (count > 0) {
      memcpy(ends_data, p->ends, count * sizeof(uint32_t));
    }
    if (failure) CHECK_OR_DIE(napi_create_string_utf8(env, failure, NAPI_AUTO_LENGTH, &args[2]));
    else CHECK_OR_DIE(napi_get_undefined(env, &args[2]));
    CHECK_OR_DIE(napi_get_reference_value(env, p->callback, &callback));
    CHECK_OR_DIE(napi_get_global(env, &receiver)); // napi_make_callback needs an object receiver
    napi_status called = napi_make_callback(env, p->context, receiver, callback, 3, args, &result);
    if (called == napi_pending_exception) {
      napi_value exception;
      CHECK_OR_DIE(napi_get_and_clear_last_exception(env, &exception));
      CHECK_OR_DIE(napi_fatal_exception(env, exception)); // an exception in the callback is an uncaught exception
    } else if (called != napi_ok) {
      fatal_napi_failure(env, "napi_make_callback");
    }
    // The callback may have called stop() already; the memory lives until the handle is closed.
    if (failure) {
      const char *failed = stop_poller(p, 0);
      if (failed != NULL) fatal_napi_failure(env, failed);
    }
  }
  CHECK_OR_DIE(napi_close_handle_scope(env, scope));
}

static napi_value Stop(napi_env env, napi_callback_info info) {
  Poller *p;
  CHECK(napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&p));
  const char *failed = stop_poller(p, 0);
  if (failed != NULL) throw_napi_failure(env, failed);
  return NULL;
}

static void finalize_stop(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Poller *p = (Poller *)data;
  p->finalized = 1;
  release_if_done(p);
}

// Undoes a poller whose setup failed; the stop function's finalizer frees it once the handle is closed.
static void abandon(Poller *p, int handle_initialized) {
  p->stopped = 1;
  // Best effort: the failure being thrown is the one to report.
  if (p->callback != NULL) (void)napi_delete_reference(p->env, p->callback);
  if (p->context != NULL) (void)napi_async_destroy(p->env, p->context);
  if (handle_initialized) uv_close((uv_handle_t *)&p->poll, on_close);
  else p->closed = 1;
}

static napi_value Poll(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], resource_name, stop;
  int32_t fd;
  napi_valuetype type;
  uv_loop_t *loop;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "poll(fd: number, onFrames: function)");
    return NULL;
  }
  Poller *p = calloc(1, sizeof *p);
  if (p == NULL) {
    napi_throw_error(env, "ENOMEM", "poll: out of memory");
    return NULL;
  }
  p->env = env;
  p->fd = fd;
  p->poll.data = p;
  const char *call = NULL;
  if (napi_create_function(env, "stop", NAPI_AUTO_LENGTH, Stop, p, &stop) != napi_ok) call = "napi_create_function";
  else if (napi_add_finalizer(env, stop, p, finalize_stop, NULL, NULL) != napi_ok) call = "napi_add_finalizer";
  if (call != NULL) {
    throw_napi_failure(env, call);
    free(p);
    return NULL;
  }
  // From here on the finalizer of `stop` owns the memory.
  if (napi_create_reference(env, argv[1], 1, &p->callback) != napi_ok) call = "napi_create_reference";
  else if (napi_create_string_utf8(env, "mirage-unix:tap", NAPI_AUTO_LENGTH, &resource_name) != napi_ok)
    call = "napi_create_string_utf8";
  else if (napi_async_init(env, NULL, resource_name, &p->context) != napi_ok) call = "napi_async_init";
  else if (napi_get_uv_event_loop(env, &loop) != napi_ok) call = "napi_get_uv_event_loop";
  if (call != NULL) {
    throw_napi_failure(env, call);
    abandon(p, 0);
    return NULL;
  }
  int rc = uv_poll_init(loop, &p->poll, fd);
  int initialized = rc == 0;
  if (rc == 0) rc = uv_poll_start(&p->poll, UV_READABLE, on_readable);
  if (rc != 0) {
    char message[128];
    snprintf(message, sizeof message, "poll fd %d: %s", fd, uv_strerror(rc));
    napi_throw_error(env, uv_err_name(rc), message);
    abandon(p, initialized);
    return NULL;
  }
  if (napi_add_env_cleanup_hook(env, cleanup_hook, p) != napi_ok) {
    throw_napi_failure(env, "napi_add_env_cleanup_hook");
    (void)stop_poller(p, 0); // best effort, as in abandon
    return NULL;
  }
  return stop;
}

// The elements of a typed array argument of the given type, or NULL after throwing a TypeError.
static void *typed_array(napi_env env, napi_value value, napi_typedarray_type wanted, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok || type != wanted)
    return NULL;
  return data != NULL || *length == 0 ? data : NULL;
}

static napi_value WriteFrames(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t fd = -1;
  uint32_t count = 0;
  size_t data_length = 0, ends_length = 0, errors_length = 0;
  static const char usage[] =
      "writeFrames(fd: number, data: Uint8Array, ends: Uint32Array, count: number, errors: Int32Array)";
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &count) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  static const unsigned char none = 0;
  const unsigned char *data = typed_array(env, argv[1], napi_uint8_array, &data_length);
  const uint32_t *ends = typed_array(env, argv[2], napi_uint32_array, &ends_length);
  int32_t *errors = typed_array(env, argv[4], napi_int32_array, &errors_length);
  if (data_length == 0) data = &none; // an empty view may have no data pointer
  if (data == NULL || (ends == NULL && ends_length > 0) || (errors == NULL && errors_length > 0)) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  // Checked before anything is written: a bad index must not write memory outside the frames.
  uint32_t start = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (i >= ends_length || i >= errors_length || ends[i] < start || ends[i] > data_length) {
      char message[160];
      snprintf(message, sizeof message, "writeFrames: frame %u ends outside its data or before it starts "
               "(count %u, %zu ends, %zu errors, %zu bytes)", i, count, ends_length, errors_length, data_length);
      napi_throw_range_error(env, NULL, message);
      return NULL;
    }
    start = ends[i];
  }
  uint32_t failures = 0;
  start = 0;
  for (uint32_t i = 0; i < count; i++) {
    ssize_t n;
    do n = write(fd, data + start, ends[i] - start);
    while (n < 0 && errno == EINTR);
    // A tap takes a packet whole or not at all; a short count (another kind of descriptor) is an error too.
    errors[i] = n < 0 ? errno : (size_t)n == ends[i] - start ? 0 : EMSGSIZE;
    if (errors[i] != 0) failures++;
    start = ends[i];
  }
  napi_value result;
  CHECK(napi_create_uint32(env, failures, &result));
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback callback;
  } functions[] = {{"open", Open}, {"queueLength", QueueLength}, {"netdev", Netdev}, {"poll", Poll},
                   {"writeFrames", WriteFrames}};
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    napi_value fn;
    CHECK(napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].callback, NULL, &fn));
    CHECK(napi_set_named_property(env, exports, functions[i].name, fn));
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
