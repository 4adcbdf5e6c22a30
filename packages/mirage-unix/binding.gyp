{
  "targets": [
    {
      "target_name": "tap",
      "sources": ["native/tap.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
