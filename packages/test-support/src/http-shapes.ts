// Requests whose framing two HTTP parsers could read differently (request smuggling, RFC 9112 §6.1,
// §6.3, §2.2, §5.2, §7.1): every HTTP/1.1 server of the repository answers each with 400 and closes.

/** The request-smuggling set, by name: the bytes a client sends on a new connection. */
export const requestSmugglingShapes: Readonly<Record<string, string>> = {
  "CL+TE": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  "duplicate CL": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
  "obs-fold": "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n",
  "bare LF": "GET / HTTP/1.1\nHost: a\n\n",
  "oversized chunk size": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n",
};
