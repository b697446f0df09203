/** The two systems a route can send a request to: the monolith being strangled and its replacement. */
export type Side = 'legacy' | 'service';
