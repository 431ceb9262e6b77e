// Child of the init-time bench: times one `await import()` of the module URL in argv[2]; no argument, no import.
// Wall time (performance.now) and the process's CPU time (user + system) spent in the import: on a shared
// machine the wall time waits for a core, the CPU time does not. With PROBE_CPU_PROFILE=<file> the import
// alone (node's start excluded) runs under the V8 sampling profiler and the profile is written there.
import { writeFileSync } from 'node:fs';

const url = process.argv[2];
const profileTo = process.env.PROBE_CPU_PROFILE;
let session;
if (profileTo) {
  const { Session } = await import('node:inspector/promises');
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
}
const cpu0 = process.cpuUsage();
const start = performance.now();
if (url) await import(url);
const importMs = performance.now() - start;
const cpu = process.cpuUsage(cpu0);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileTo, JSON.stringify(profile));
}
process.stdout.write(JSON.stringify({ importMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
// Exit at once: a module that left a handle open must not stretch the wall time.
process.exit(0);
