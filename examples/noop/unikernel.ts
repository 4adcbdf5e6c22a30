// The noop unikernel has no code of its own: config.ts registers no job, so only Mirage's init
// jobs (run-time arguments, --delay, the log reporter, the random generator, the name) run.
export {};
