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
