export { FirebreakError, isFirebreakError, type FirebreakErrorCode } from "./internal/errors.js";
