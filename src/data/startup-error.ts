/** A configuration or environment problem that stops start-up with one readable line. */
export class StartupError extends Error {}
