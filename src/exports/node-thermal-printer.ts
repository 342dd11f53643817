/** `receipt-spool/node-thermal-printer`: custom interfaces that route node-thermal-printer programs through the spool or the confirming link. */
export { spoolInterface, linkInterface, ntpDocument, contentTransactionId } from '../bridge/node-thermal-printer.js';
export type { NtpInterface, NtpExecuteOptions, SpoolInterfaceOptions, LinkInterfaceOptions } from '../bridge/node-thermal-printer.js';
