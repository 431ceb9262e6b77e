// Test environment: Powertools quiet and offline, as in the local runtime.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_DEV ??= 'false';
process.env.AWS_XRAY_CONTEXT_MISSING ??= 'IGNORE_ERROR';
process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
