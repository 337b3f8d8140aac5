"use client";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { ProjectView } from "@/components/project/project-view";

export default function ProjectPage() {
  return (
    <Suspense fallback={<p>Loading…</p>}>
      <ProjectFromQuery />
    </Suspense>
  );
}

function ProjectFromQuery() {
  const id = Number(useSearchParams().get("id"));
  if (!Number.isInteger(id) || id <= 0)
    return <p role="alert">No project given: open one from the project list.</p>;
  return <ProjectView id={id} />;
}
