/** The TIE samples of test/fixtures/tie-samples.json (its "source" says where they come from), typed by their JSON. */
import samples from '../fixtures/tie-samples.json';

export const {
  NOTEPAD,
  EICAR,
  UNKNOWN_FILE,
  ALL_ZERO,
  SAMPLE_CERT,
  CERT1,
  SAMPLE_repChangeUnitTest,
  SAMPLE_certRepChange,
  SAMPLE_detectionUnitTest,
  SAMPLE_firstInstanceUnitTest,
  SAMPLE_overridden,
  SAMPLE_wikiTransformed,
  SAMPLE_wikiWire,
  SAMPLE_docstringTransformed,
  SAMPLE_notepadWire,
  SAMPLE_detectionDocs,
  SAMPLE_firstInstanceDocs,
  SAMPLE_getFileResponse,
  SAMPLE_wireExamples,
} = samples;
