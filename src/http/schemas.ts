/** JSON schemas shared by routes (validation and the OpenAPI document at /docs). */
export const errorBody = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'Record id of a recorded rejection' },
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, rule: { type: 'string' }, article: { type: 'string' }, profile: { type: 'string' }, field: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
} as const;

export const messageInput = {
  type: 'object',
  properties: {
    from: { type: 'string', description: 'Sending port (digits)' },
    to: { type: 'string', description: 'Mainland mobile number: 13800138000, +8613800138000 or 8613800138000' },
    text: { type: 'string', description: 'Text starting with a registered signature 【…】' },
    type: { type: 'string', enum: ['verification', 'notification', 'commercial', 'public_welfare'] },
    // null is "none", as for a batch item (validateSubmitInput reads both the same way)
    category: { type: ['string', 'null'], description: 'Consent category; required for commercial (null or absent: none)' },
    clientRef: { type: ['string', 'null'], description: 'The client\'s own reference, kept with the message and shown by GET /v1/messages/{id} (null or absent: none)' },
    // The same three values validateSubmitInput accepts (src/app/validate.ts), so the schema and the
    // batch path (which validates items there alone) give one answer.
    registeredDelivery: { enum: [true, false, 'failure'], description: 'Delivery receipt: true (every final status), false (none, the default) or "failure" (failures only)' },
  },
  required: ['from', 'to', 'text', 'type'],
} as const;

export const submitResult = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string' },
    text: { type: 'string' },
    segments: { type: 'integer' },
    error: errorBody.properties.error,
  },
} as const;

export const idParam = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

export const bearerSecurity = [{ bearer: [] }];
