import Link from "next/link";

export default function NotFound() {
  return (
    <section className="py-12 text-center">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <Link href="/" className="mt-4 inline-block underline">
        Back to the projects
      </Link>
    </section>
  );
}
