import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new SQLite migration after a change of src/store/sqlite-schema.ts.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/sqlite-schema.ts',
  out: './drizzle/sqlite',
});
