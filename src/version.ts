/** The engine version stamped on reports and run logs. Bump the minor on any change of a result. */
export const VERSION = '0.1.0';
