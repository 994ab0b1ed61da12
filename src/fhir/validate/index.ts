export { validateResource, VALIDATED_TYPES } from './validate.js';
