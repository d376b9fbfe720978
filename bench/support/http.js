// One HTTP request of a benchmark script to a server under test.

/**
 * `fetch` with a JSON body (an object; a string is sent as it is) and an optional bearer
 * token; the answer's status and body, parsed as JSON where it is JSON, else its text.
 */
export async function http(url, { method = 'GET', token, body, headers = {} } = {}) {
  const response = await fetch(url, {
    method,
    headers: {
      ...headers,
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body: parsed };
}

/**
 * The body of an `http` answer whose status is `status`; otherwise an error: `what`, the
 * status and the start of the body.
 */
export function expectStatus(response, status, what) {
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 500)}`);
  return response.body;
}

/**
 * Checks a `_bulk_docs` answer: 201 and every document written; otherwise an error: `what`,
 * the status and the first refusal (or the body).
 */
export function expectAllWritten(response, what) {
  const refused = Array.isArray(response.body) ? response.body.find((row) => !row.ok) : response.body;
  if (response.status !== 201 || refused) throw new Error(`${what} failed (${response.status}): ${JSON.stringify(refused).slice(0, 500)}`);
}
