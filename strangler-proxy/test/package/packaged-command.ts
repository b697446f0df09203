/**
 * How the packaged proxy is started, after the installed command's name: the packed-tarball test runs
 * exactly this, and the container image's ENTRYPOINT and CMD must say the same (the deploy test checks).
 */
export const PACKAGED_START = ['start'] as const;
