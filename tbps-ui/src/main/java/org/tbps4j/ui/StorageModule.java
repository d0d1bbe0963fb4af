package org.tbps4j.ui;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.ui.api.UIModule;
import org.deeplearning4j.ui.i18n.I18NResource;

/**
 * The part of a dashboard page module that only reads the attached stats storages: it keeps the
 * list of storages the server attaches and detaches, takes no storage events and no callback types,
 * and has no internationalisation resources. Subclasses add their routes.
 */
abstract class StorageModule implements UIModule {
  /** The storages attached to the server, in attach order. */
  protected final List<StatsStorage> storages = new CopyOnWriteArrayList<>();

  @Override
  public List<String> getCallbackTypeIDs() {
    return List.of();
  }

  @Override
  public void reportStorageEvents(Collection<StatsStorageEvent> events) {}

  @Override
  public void onAttach(StatsStorage statsStorage) {
    storages.add(statsStorage);
  }

  @Override
  public void onDetach(StatsStorage statsStorage) {
    storages.remove(statsStorage);
  }

  @Override
  public List<I18NResource> getInternationalizationResources() {
    return List.of();
  }
}
