// Child of the init-time bench: times one `await import()` of the module URL in argv[2]; no argument, no import.
const url = process.argv[2];
const start = performance.now();
if (url) await import(url);
const importMs = performance.now() - start;
process.stdout.write(JSON.stringify({ importMs }));
// Exit at once: a module that left a handle open must not stretch the wall time.
process.exit(0);
