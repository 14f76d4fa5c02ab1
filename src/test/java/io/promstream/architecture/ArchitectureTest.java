package io.promstream.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph the README's Design section describes, kept so by the build: one package per stage, imports
 * pointing one way (config -> ingest -> queue -> store -> parse, expose -> store; health and tasks are adapters; the
 * console, ui, reads them all and is read by the assembly alone), no cycles.
 * Inside ingest too: the HTTP adapters (ingest.http) and the queue's consumption (ingest) use the queued-push protocol
 * (ingest.push), which uses the rejections (ingest.reject), which use no other ingest package.
 */
class ArchitectureTest {
    private static final String ROOT = "io.promstream";
    private static final String CONFIG = "io.promstream.config..";
    private static final String INGEST = "io.promstream.ingest..";
    /** The queue's consumption: the ingest package itself, without its subpackages. */
    private static final String INGEST_CONSUMPTION = "io.promstream.ingest";

    private static final String INGEST_HTTP = "io.promstream.ingest.http..";
    private static final String INGEST_PUSH = "io.promstream.ingest.push..";
    private static final String INGEST_REJECT = "io.promstream.ingest.reject..";
    private static final String PARSE = "io.promstream.parse..";
    private static final String STORE = "io.promstream.store..";
    private static final String QUEUE = "io.promstream.queue..";
    private static final String EXPOSE = "io.promstream.expose..";
    private static final String HEALTH = "io.promstream.health..";
    private static final String TASKS = "io.promstream.tasks..";
    private static final String UI = "io.promstream.ui..";

    static final ArchRule noPackageCycles =
            slices().matching("io.promstream.(*)..").should().beFreeOfCycles();

    /** One slice per package of ingest, the ingest package itself included. */
    static final ArchRule noCyclesInsideIngest =
            slices().matching("io.promstream.(ingest..)").should().beFreeOfCycles();

    static final ArchRule rejectionsUseNoOtherIngestPackage = noClasses()
            .that()
            .resideInAPackage(INGEST_REJECT)
            .should()
            .dependOnClassesThat(resideInAPackage(INGEST).and(resideOutsideOfPackages(INGEST_REJECT)));

    static final ArchRule pushProtocolUsesOnlyTheRejections = noClasses()
            .that()
            .resideInAPackage(INGEST_PUSH)
            .should()
            .dependOnClassesThat(resideInAPackage(INGEST).and(resideOutsideOfPackages(INGEST_PUSH, INGEST_REJECT)));

    static final ArchRule consumptionKnowsNoHttp = noClasses()
            .that()
            .resideInAPackage(INGEST_CONSUMPTION)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(INGEST_HTTP);

    static final ArchRule httpAdaptersQueuePushesAndConsumeNothing = noClasses()
            .that()
            .resideInAPackage(INGEST_HTTP)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(INGEST_CONSUMPTION);

    static final ArchRule parseDependsOnNothingOfOurs = noClasses()
            .that()
            .resideInAPackage(PARSE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, INGEST, STORE, EXPOSE, HEALTH, TASKS);

    static final ArchRule storeDependsOnlyOnParse = noClasses()
            .that()
            .resideInAPackage(STORE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, INGEST, EXPOSE, HEALTH, TASKS);

    static final ArchRule queueKnowsOnlyTheStore = noClasses()
            .that()
            .resideInAPackage(QUEUE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, INGEST, EXPOSE, HEALTH, TASKS);

    static final ArchRule ingestGetsNarrowCountersNotTheMetaMetrics = noClasses()
            .that()
            .resideInAPackage(INGEST)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, EXPOSE, HEALTH, TASKS);

    static final ArchRule exposeIsDownstream = noClasses()
            .that()
            .resideInAPackage(EXPOSE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, HEALTH, TASKS);

    static final ArchRule healthAndTasksAreAdapters = noClasses()
            .that()
            .resideInAnyPackage(HEALTH, TASKS)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ROOT, CONFIG, EXPOSE);

    /** The operator console reads what the other stages expose and runs the tasks; only the assembly knows it. */
    static final ArchRule theConsoleIsUsedOnlyByTheAssembly = noClasses()
            .that()
            .resideOutsideOfPackages(ROOT, UI)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(UI);

    static final ArchRule onlyTheAssemblyUsesTheConfiguration = noClasses()
            .that()
            .resideOutsideOfPackages(ROOT, CONFIG)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(CONFIG);

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.promstream");
    }

    @Test
    void thePackagesFormNoCycle() {
        noPackageCycles.check(classes);
    }

    @Test
    void theIngestPackagesFormNoCycle() {
        noCyclesInsideIngest.check(classes);
    }

    @Test
    void rejectionsUseNoOtherIngestPackage() {
        rejectionsUseNoOtherIngestPackage.check(classes);
    }

    @Test
    void pushProtocolUsesOnlyTheRejections() {
        pushProtocolUsesOnlyTheRejections.check(classes);
    }

    @Test
    void consumptionKnowsNoHttp() {
        consumptionKnowsNoHttp.check(classes);
    }

    @Test
    void httpAdaptersQueuePushesAndConsumeNothing() {
        httpAdaptersQueuePushesAndConsumeNothing.check(classes);
    }

    @Test
    void parseDependsOnNothingOfOurs() {
        parseDependsOnNothingOfOurs.check(classes);
    }

    @Test
    void storeDependsOnlyOnParse() {
        storeDependsOnlyOnParse.check(classes);
    }

    @Test
    void queueKnowsOnlyTheStore() {
        queueKnowsOnlyTheStore.check(classes);
    }

    @Test
    void ingestGetsNarrowCountersNotTheMetaMetrics() {
        ingestGetsNarrowCountersNotTheMetaMetrics.check(classes);
    }

    @Test
    void exposeIsDownstream() {
        exposeIsDownstream.check(classes);
    }

    @Test
    void healthAndTasksAreAdapters() {
        healthAndTasksAreAdapters.check(classes);
    }

    @Test
    void theConsoleIsUsedOnlyByTheAssembly() {
        theConsoleIsUsedOnlyByTheAssembly.check(classes);
    }

    @Test
    void onlyTheAssemblyUsesTheConfiguration() {
        onlyTheAssemblyUsesTheConfiguration.check(classes);
    }
}
