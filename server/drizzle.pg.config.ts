import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new PostgreSQL migration after a change of src/store/pg-schema.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/pg-schema.ts',
  out: './drizzle/pg',
});
