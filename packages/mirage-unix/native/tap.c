// tap.c: the N-API addon behind mirage-unix's tap backend (Linux only).
//
//   open(name, bringUp) -> { fd, name }   opens /dev/net/tun as a tap (IFF_TAP | IFF_NO_PI, so every
//                                          read and write is exactly one ethernet frame) with a
//                                          non-blocking fd; bringUp sets the interface up if it is down.
//   poll(fd, onFrames)  -> stop()          watches the fd with uv_poll (readiness on the event loop, no
//                                          thread-pool reads, so nothing blocks process exit) and on
//                                          each wake-up calls onFrames(frames, errorCode) with every
//                                          frame that was ready. A fatal read error stops the poller
//                                          and is reported as errorCode (an errno name).
//
// Writes are done in JavaScript with fs.writeSync(fd, frame): a tap write never blocks.
// Errors thrown to JavaScript carry the errno name as `code` (EPERM, ENOENT, EBUSY...).
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#define FRAME_BUFFER 65536 // larger than any frame a tap hands out (MTU at most 65535)
#define BATCH 256          // frames per wake-up; uv_poll fires again if more are ready

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
  int stopped;   // stop() ran (or the poller stopped itself on an error)
  int closed;    // libuv released the handle
  int finalized; // the JavaScript stop function was garbage collected
  unsigned char buffer[FRAME_BUFFER];
} Poller;

static void throw_errno(napi_env env, int error, const char *what, const char *name) {
  char message[256];
  snprintf(message, sizeof message, "%s %s: %s", what, name, strerror(error));
  napi_throw_error(env, uv_err_name(uv_translate_sys_error(error)), message);
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

static void stop_poller(Poller *p, int from_env_teardown) {
  if (p->stopped) return;
  p->stopped = 1;
  uv_poll_stop(&p->poll);
  if (!from_env_teardown) {
    napi_delete_reference(p->env, p->callback);
    napi_async_destroy(p->env, p->context);
    napi_remove_env_cleanup_hook(p->env, cleanup_hook, p);
  }
  uv_close((uv_handle_t *)&p->poll, on_close);
}

static void cleanup_hook(void *arg) { stop_poller((Poller *)arg, 1); }

static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char name[IFNAMSIZ + 1] = {0};
  size_t length = 0;
  bool bring_up = false;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &length) != napi_ok ||
      napi_get_value_bool(env, argv[1], &bring_up) != napi_ok) {
    napi_throw_type_error(env, NULL, "open(name: string, bringUp: boolean)");
    return NULL;
  }
  if (length >= IFNAMSIZ) {
    napi_throw_range_error(env, NULL, "tap interface names have at most 15 bytes");
    return NULL;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    throw_errno(env, errno, "open", "/dev/net/tun");
    return NULL;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  memcpy(ifr.ifr_name, name, length);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int error = errno;
    close(fd);
    throw_errno(env, error, "TUNSETIFF", name);
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
  napi_value result, value;
  napi_create_object(env, &result);
  napi_create_int32(env, fd, &value);
  napi_set_named_property(env, result, "fd", value);
  napi_create_string_utf8(env, ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ), &value);
  napi_set_named_property(env, result, "name", value);
  return result;
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  Poller *p = (Poller *)handle->data;
  if (p->stopped) return;
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value frames, callback, receiver, args[2], result;
  napi_create_array(env, &frames);
  uint32_t count = 0;
  const char *failure = status < 0 ? uv_err_name(status) : NULL;
  while (!failure && count < BATCH) {
    ssize_t n = read(p->fd, p->buffer, sizeof p->buffer);
    if (n > 0) {
      napi_value frame;
      napi_create_buffer_copy(env, (size_t)n, p->buffer, NULL, &frame);
      napi_set_element(env, frames, count++, frame);
    } else if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else if (errno != EINTR) {
      failure = uv_err_name(uv_translate_sys_error(errno));
    }
  }
  if (count > 0 || failure) {
    args[0] = frames;
    if (failure) napi_create_string_utf8(env, failure, NAPI_AUTO_LENGTH, &args[1]);
    else napi_get_undefined(env, &args[1]);
    napi_get_reference_value(env, p->callback, &callback);
    napi_get_global(env, &receiver); // napi_make_callback needs an object receiver
    if (napi_make_callback(env, p->context, receiver, callback, 2, args, &result) == napi_pending_exception) {
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
      napi_fatal_exception(env, exception); // an exception in the callback is an uncaught exception
    }
    // The callback may have called stop() already; the memory lives until the handle is closed.
    if (failure) stop_poller(p, 0);
  }
  napi_close_handle_scope(env, scope);
}

static napi_value Stop(napi_env env, napi_callback_info info) {
  Poller *p;
  napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&p);
  stop_poller(p, 0);
  return NULL;
}

static void finalize_stop(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Poller *p = (Poller *)data;
  p->finalized = 1;
  release_if_done(p);
}

static napi_value Poll(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], resource_name, stop;
  int32_t fd;
  napi_valuetype type;
  uv_loop_t *loop;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
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
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init(loop, &p->poll, fd);
  if (rc == 0) {
    rc = uv_poll_start(&p->poll, UV_READABLE, on_readable);
    if (rc != 0) {
      p->stopped = p->finalized = 1; // no JavaScript function will own it: free on close
      uv_close((uv_handle_t *)&p->poll, on_close);
    }
  } else {
    free(p);
  }
  if (rc != 0) {
    char message[128];
    snprintf(message, sizeof message, "poll fd %d: %s", fd, uv_strerror(rc));
    napi_throw_error(env, uv_err_name(rc), message);
    return NULL;
  }
  napi_create_reference(env, argv[1], 1, &p->callback);
  napi_create_string_utf8(env, "mirage-unix:tap", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &p->context);
  napi_add_env_cleanup_hook(env, cleanup_hook, p);
  napi_create_function(env, "stop", NAPI_AUTO_LENGTH, Stop, p, &stop);
  napi_add_finalizer(env, stop, p, finalize_stop, NULL, NULL);
  return stop;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "open", NAPI_AUTO_LENGTH, Open, NULL, &fn);
  napi_set_named_property(env, exports, "open", fn);
  napi_create_function(env, "poll", NAPI_AUTO_LENGTH, Poll, NULL, &fn);
  napi_set_named_property(env, exports, "poll", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
