// Process environment of the local runtime, set before any handler module (and its Powertools singletons) loads:
// Powertools quiet and offline, no SES relay to a real SMTP server, no instance-metadata lookups.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_DEV ??= 'false';
process.env.AWS_XRAY_CONTEXT_MISSING ??= 'IGNORE_ERROR';
process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
// aws-ses-v2-local relays every email to this SMTP server when set; the local cloud keeps mail on the laptop.
delete process.env.SMTP_TRANSPORT;
// The SDK warns on every start that its 2027 releases need Node 22; the Lambdas run on Node 22 already, and
// this repository pins Node 20.19 on purpose (see docs/decisions.md).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
