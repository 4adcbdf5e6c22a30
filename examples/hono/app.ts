// A plain Hono app, nothing mirage-specific: the unikernel serves its `fetch` unchanged.
import { Hono } from "hono";
import { streamText } from "hono/streaming";

export const app = new Hono();

app.get("/", (c) => c.text("Hello from Hono on mirage-ts!"));

app.get("/users/:id", (c) => c.json({ id: Number(c.req.param("id")), name: `user ${c.req.param("id")}` }));

app.post("/echo", async (c) => c.json({ received: await c.req.json() }));

// A response produced as it is sent: one line at a time.
app.get("/count/:n", (c) =>
  streamText(c, async (stream) => {
    const n = Number(c.req.param("n"));
    for (let i = 1; i <= n; i++) await stream.writeln(`line ${i}`);
  }),
);

app.notFound((c) => c.json({ error: "not found", path: c.req.path }, 404));
